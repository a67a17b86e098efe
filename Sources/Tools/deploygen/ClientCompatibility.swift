import Chassis
import JSON

/// What would break a client of the HTTP API built against the last released OpenAPI document,
/// judged by each operation it may call (each release was checked against the one before, so a
/// client of an earlier one is covered too, but for what a release deprecated):
/// - an operation no longer served; a success status it no longer answers, or a new one;
///   `Location` no longer sent;
/// - a request a released client sends that the operation now refuses (a field newly required
///   or refused, a type changed, a value no longer accepted) or ignores (a field it no longer reads);
/// - an answer the client reads that lacks what it had: a field removed, made optional or
///   nullable, a type changed, a status string the client does not know.
/// A field added to an answer, an optional field added to a request or a new operation breaks
/// nobody; nor does any change to an operation the last release marked `deprecated` (README,
/// "Contracts").
enum ClientCompatibility {
    static func breakingChanges(from last: (version: String, contract: APIContract)?, to current: APIContract) -> [String] {
        guard let (version, released) = last else { return [] }
        var changes: [String] = []
        for (path, method, operation) in released.operations where operation["deprecated"] != .bool(true) {
            let name = "\(method.uppercased()) \(path)"
            // The same template, not one that would serve the path: a literal path removed is gone
            // even where a parameter would match it.
            guard let now = current.operations.first(where: { $0.path == path && $0.method == method })?.operation else {
                changes.append("\(name), as released in \(version), is no longer served")
                continue
            }
            changes += requestChanges(operation, now, released: released, current: current).map { "\(name) \($0), as clients of \(version) send it" }
            guard case .object(let responses)? = operation["responses"], case .object(let answers)? = now["responses"] else { continue }
            for status in answers.distinctKeys where status != "default" && responses[status] == nil {
                changes.append("\(name) now answers \(status), which clients of \(version) do not expect")
            }
            for status in responses.distinctKeys where status != "default" {
                guard let answer = answers[status] else {
                    changes.append("\(name) no longer answers \(status), as it did in \(version)")
                    continue
                }
                if case .object(let headers)? = responses[status]!["headers"] {
                    for header in headers.distinctKeys where answer["headers"]?[header] == nil {
                        changes.append("\(name) no longer sends \(header) with \(status), which clients of \(version) read")
                    }
                }
                guard let read = released.bodySchema(responses[status]!) else { continue }
                guard let answered = current.bodySchema(answer) else {
                    changes.append("\(name) answers \(status) with no body, which clients of \(version) read")
                    continue
                }
                changes += Compatibility.mismatches(produced: answered, read: read, at: "\(status) body", verb: "answered").map {
                    "\(name): clients of \(version) read \($0)"
                }
            }
        }
        return changes
    }

    /// How the operation now reads the body a released client sends.
    private static func requestChanges(_ released: JSONNode, _ now: JSONNode, released document: APIContract, current: APIContract) -> [String] {
        let reads = now["requestBody"].flatMap(current.bodySchema) ?? .object(JSONMembers(["type": .string("object")]))
        let sent = released["requestBody"].flatMap(document.bodySchema) ?? .object(JSONMembers(["type": .string("object")]))
        var changes = Compatibility.mismatches(produced: sent, read: reads, at: "body", verb: "sent").map { "reads \($0)" }
        if case .object(let properties)? = sent["properties"] {
            for key in properties.distinctKeys where properties[key] != .bool(false) {
                switch reads["properties"]?[key] {
                case nil: changes.append("no longer reads body.\(key)")
                case .bool(false)?: changes.append("refuses body.\(key)")
                default: break
                }
            }
        }
        return changes
    }
}
