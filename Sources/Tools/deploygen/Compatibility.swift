import Chassis
import JSON

/// What would break a consumer, judged by what each consumer reads (`x-reads`), as Pact judges a
/// provider by its consumers' pacts:
/// - in the current documents alone: a consumer that reads more than its publisher gives;
/// - in a rolling update from the last release: a new publisher and a consumer as released (an
///   event it reads no longer published, a field it requires missing or optional, a type
///   changed, a status string it does not know);
/// - in the log: a consumer as it is now, reading events any released publisher left there (a
///   replay reads them all again), so it may not start to require a field older events lack.
/// An incompatible change is published as a new event type beside the old one (README,
/// "Contracts"); that is compatible by these rules.
enum Compatibility {
    /// `released` oldest first, each with its version.
    static func breakingChanges(from released: [EventContract], to current: EventContract) -> [String] {
        var changes: [String] = []
        for read in current.reads {
            guard let payload = current.payload(of: read.type, on: read.topic) else { continue }   // the generator refuses it
            changes += mismatches(produced: payload, read: read.schema, at: read.type).map { "\(read.consumer) reads \($0)" }
        }
        if let last = released.last {
            let version = last.version
            for read in last.reads {
                guard let payload = current.payload(of: read.type, on: read.topic) else {
                    changes.append("\(read.consumer) as released in \(version) reads \(read.type) from \(read.topic), which is no longer published there")
                    continue
                }
                changes += mismatches(produced: payload, read: read.schema, at: read.type).map {
                    "\(read.consumer) as released in \(version) reads \($0)"
                }
            }
        }
        for document in released {
            for read in current.reads {
                guard let payload = document.payload(of: read.type, on: read.topic) else { continue }   // none of these in the log
                changes += mismatches(produced: payload, read: read.schema, at: read.type).map {
                    "\(read.consumer) now reads \($0), in events published as released in \(document.version)"
                }
            }
        }
        return changes
    }

    /// How what is published (`produced`) fails what a consumer reads (`read`), each as "path
    /// as …, <verb> as …": `verb` says how the producer gives it ("published", "answered").
    static func mismatches(produced: JSONNode, read: JSONNode, at path: String, verb: String = "published") -> [String] {
        guard let readTypes = types(read) else { return [] }
        let producedTypes = types(produced)
        guard let producedTypes, producedTypes.allSatisfy({ readTypes.contains($0) || ($0 == "integer" && readTypes.contains("number")) }) else {
            return ["\(path) as \(readTypes.joined(separator: " or ")), \(verb) as \(producedTypes?.joined(separator: " or ") ?? "anything")"]
        }
        var problems: [String] = []
        if let known = read["enum"]?.arrayValue {
            if let published = produced["enum"]?.arrayValue {
                let unknown = published.filter { !known.contains($0) }.compactMap(\.stringValue)
                if !unknown.isEmpty { problems.append("\(path) as one of \(known.compactMap(\.stringValue)), \(verb) also as \(unknown)") }
            } else {
                problems.append("\(path) as one of \(known.compactMap(\.stringValue)), \(verb) as any string")
            }
        }
        switch (read["properties"] != nil, produced["properties"] != nil) {
        case (true, false): problems.append("\(path) as an object of named fields, \(verb) as a map")
        case (false, true) where read["additionalProperties"] != nil: problems.append("\(path) as a map, \(verb) as an object of named fields")
        default: break
        }
        if case .object(let properties)? = read["properties"] {
            let required = Set((read["required"]?.arrayValue ?? []).compactMap(\.stringValue))
            let publishedRequired = Set((produced["required"]?.arrayValue ?? []).compactMap(\.stringValue))
            for key in properties.distinctKeys {
                if required.contains(key) && !publishedRequired.contains(key) {
                    problems.append("\(path).\(key) as required, \(verb) \(produced["properties"]?[key] == nil ? "without it" : "as optional")")
                }
                if let published = produced["properties"]?[key] {
                    problems += mismatches(produced: published, read: properties[key]!, at: "\(path).\(key)", verb: verb)
                }
            }
        }
        if let element = read["items"], let published = produced["items"] {
            problems += mismatches(produced: published, read: element, at: "\(path)[]", verb: verb)
        }
        if let value = read["additionalProperties"], let published = produced["additionalProperties"] {
            problems += mismatches(produced: published, read: value, at: "\(path)[*]", verb: verb)
        }
        return problems
    }

    /// A schema's `type`, one or a list of them (a nullable field's `["string", "null"]`); nil when it says none.
    private static func types(_ schema: JSONNode) -> [String]? {
        if let type = schema["type"]?.stringValue { return [type] }
        return schema["type"]?.arrayValue?.compactMap(\.stringValue)
    }
}
