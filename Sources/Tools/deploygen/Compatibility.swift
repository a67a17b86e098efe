import JSON

/// What would break a consumer if a system's current events replaced its last released ones, in
/// either order of a rolling update, judged by what each consumer reads (`x-reads`), as Pact
/// judges a provider by its consumers' pacts:
/// - a new publisher and a consumer as released: an event it reads is no longer published, a
///   field it requires may be missing, a type changed, a status string it does not know;
/// - a publisher as released (and the events it left in the log, which a replay reads again)
///   and a consumer as it is now: the same, the other way round, so a consumer may not start to
///   require a field older events lack.
/// An incompatible change is published as a new event type beside the old one until no consumer
/// reads the old (README, "Contracts"); that is compatible by these rules.
enum Compatibility {
    static func breakingChanges(from released: JSONNode, to current: JSONNode) -> [String] {
        let version = released["info"]?["version"]?.text ?? "?"
        var changes: [String] = []
        for read in reads(released) {
            guard let payload = payload(current, read.topic, read.type) else {
                changes.append("\(read.consumer) as released in \(version) reads \(read.type) from \(read.topic), which is no longer published there")
                continue
            }
            changes += mismatches(produced: payload, read: read.schema, at: read.type).map {
                "\(read.consumer) as released in \(version) reads \($0)"
            }
        }
        for read in reads(current) {
            guard let payload = payload(released, read.topic, read.type) else { continue }   // nothing older to read
            changes += mismatches(produced: payload, read: read.schema, at: read.type).map {
                "\(read.consumer) now reads \($0), in events published as released in \(version)"
            }
        }
        return changes
    }

    /// Every event each consumer reads: the receive operations' `x-reads`.
    private static func reads(_ document: JSONNode) -> [(consumer: String, topic: String, type: String, schema: JSONNode)] {
        guard case .object(let operations)? = document["operations"] else { return [] }
        return operations.distinctKeys.flatMap { id -> [(String, String, String, JSONNode)] in
            let operation = operations[id]!
            guard operation["action"]?.text == "receive", let topic = operation["channel"]?["$ref"]?.text?.split(separator: "/").last,
                  case .object(let reads)? = operation["x-reads"] else { return [] }
            let consumer = operation["bindings"]?["kafka"]?["groupId"]?["enum"]?.elements?.first?.text ?? id
            return reads.distinctKeys.map { (consumer, String(topic), $0, reads[$0]!) }
        }
    }

    /// The payload schema of `type` as published on `topic`; nil when it is not published there.
    private static func payload(_ document: JSONNode, _ topic: String, _ type: String) -> JSONNode? {
        guard document["channels"]?[topic]?["messages"]?[type] != nil else { return nil }
        return document["components"]?["messages"]?[type]?["payload"]
    }

    /// How what is published (`produced`) fails what a consumer reads (`read`), each as "path: why".
    static func mismatches(produced: JSONNode, read: JSONNode, at path: String) -> [String] {
        guard let readType = read["type"]?.text else { return [] }
        let producedType = produced["type"]?.text
        guard producedType == readType || (readType == "number" && producedType == "integer") else {
            return ["\(path) as \(readType), published as \(producedType ?? "anything")"]
        }
        var problems: [String] = []
        if let known = read["enum"]?.elements {
            if let published = produced["enum"]?.elements {
                let unknown = published.filter { !known.contains($0) }.compactMap(\.text)
                if !unknown.isEmpty { problems.append("\(path) as one of \(known.compactMap(\.text)), published also as \(unknown)") }
            } else {
                problems.append("\(path) as one of \(known.compactMap(\.text)), published as any string")
            }
        }
        if case .object(let properties)? = read["properties"] {
            let required = Set((read["required"]?.elements ?? []).compactMap(\.text))
            let publishedRequired = Set((produced["required"]?.elements ?? []).compactMap(\.text))
            for key in properties.distinctKeys {
                if required.contains(key) && !publishedRequired.contains(key) {
                    problems.append("\(path).\(key) as required, published \(produced["properties"]?[key] == nil ? "without it" : "as optional")")
                }
                if let published = produced["properties"]?[key] {
                    problems += mismatches(produced: published, read: properties[key]!, at: "\(path).\(key)")
                }
            }
        }
        for keyword in ["items", "additionalProperties"] {
            if let readElement = read[keyword], let published = produced[keyword] {
                problems += mismatches(produced: published, read: readElement, at: "\(path)[]")
            }
        }
        return problems
    }
}

extension JSONNode {
    subscript(key: String) -> JSONNode? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }
    var text: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }
    var elements: [JSONNode]? {
        guard case .array(let elements) = self else { return nil }
        return elements
    }
}
