import Chassis
import JSON

/// What would break a client of the HTTP API built against the last released OpenAPI document,
/// judged by each operation it may call (earlier releases were checked against theirs, so a
/// client of any of them is covered too, but for what they deprecated):
/// - an operation no longer served, or a success status it no longer answers;
/// - a request a released client sends that the operation now refuses: a field newly required,
///   a type changed, a value no longer accepted, a field now refused;
/// - an answer the client reads that lacks what it had: a field removed, made optional or
///   nullable, a type changed, a status string the client does not know.
/// A field added to an answer, or an optional field added to a request, breaks nobody; nor does
/// any change to an operation the last release marked `deprecated` (README, "Contracts").
enum ClientCompatibility {
    /// `released` oldest first, each with its version.
    static func breakingChanges(from released: [(version: String, contract: APIContract)], to current: APIContract) -> [String] {
        var changes: [String] = []
        if let (version, document) = released.last {
            for (path, method, operation) in document.operations where operation["deprecated"] != .bool(true) {
                let name = "\(method.uppercased()) \(path)"
                guard let now = current.operation(method, path) else {
                    changes.append("\(name), as released in \(version), is no longer served")
                    continue
                }
                changes += requestChanges(operation, now, released: document, current: current).map { "\(name) \($0), as clients of \(version) send it" }
                guard case .object(let responses)? = operation["responses"] else { continue }
                for status in responses.distinctKeys where status != "default" {
                    guard let answer = now["responses"]?[status] else {
                        changes.append("\(name) no longer answers \(status), as it did in \(version)")
                        continue
                    }
                    guard let read = document.bodySchema(responses[status]!) else { continue }
                    guard let answered = current.bodySchema(answer) else {
                        changes.append("\(name) answers \(status) with no body, which clients of \(version) read")
                        continue
                    }
                    changes += Compatibility.mismatches(produced: answered, read: read, at: "\(status) body", verb: "answered").map {
                        "\(name): clients of \(version) read \($0)"
                    }
                }
            }
        }
        return changes
    }

    /// How the operation now reads the body a released client sends.
    private static func requestChanges(_ released: JSONNode, _ now: JSONNode, released document: APIContract, current: APIContract) -> [String] {
        guard let reads = now["requestBody"].flatMap(current.bodySchema) else { return [] }
        let sent = released["requestBody"].flatMap(document.bodySchema) ?? .object(JSONMembers(["type": .string("object")]))
        var changes = Compatibility.mismatches(produced: sent, read: reads, at: "body", verb: "sent").map { "reads \($0)" }
        if case .object(let properties)? = reads["properties"] {
            for key in properties.distinctKeys where properties[key] == .bool(false) && (sent["properties"]?[key]).map({ $0 != .bool(false) }) == true {
                changes.append("refuses body.\(key)")
            }
        }
        return changes
    }
}
