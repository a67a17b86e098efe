import Foundation
import JSON
import Kafka

/// A system's committed AsyncAPI document (`contracts/<system>/asyncapi.json`), read to check
/// records as they cross a topic: the topic must be one of its channels, the record's `ce_type`
/// one of that channel's messages, and its headers and payload what the message's schemas allow.
/// A dead-letter channel carries records as they arrived, so only its topic is checked.
public struct EventContract: Sendable {
    let document: JSONNode

    public init(contentsOf url: URL) throws {
        document = try JSONNode(parsing: Array(try Data(contentsOf: url)))
    }

    /// Each way the record breaks the document; empty when it conforms.
    public func problems(topic: String, headers: [KafkaHeader], value: [UInt8]) -> [String] {
        guard case .object(let messages)? = document.member("channels")?.member(topic)?.member("messages") else {
            return ["\(topic) is not a channel of the document"]
        }
        if messages.distinctKeys == ["DeadLetter"] { return [] }
        let type = headers.text("ce_type") ?? ""
        guard messages[type] != nil, let message = document.member("components")?.member("messages")?.member(type) else {
            return ["\(topic) carries \(type.isEmpty ? "a record without ce_type" : type), which is not one of its messages"]
        }
        var headerObject = JSONMembers()
        for header in headers { headerObject.append(header.name, .string(header.text)) }
        var problems = SchemaValidation.problems(.object(headerObject), against: message.member("headers") ?? .bool(true), at: "headers")
        do {
            let payload = try JSONNode(parsing: value)
            problems += SchemaValidation.problems(payload, against: message.member("payload") ?? .bool(true), at: "payload")
        } catch {
            problems.append("the payload is not JSON: \(error)")
        }
        return problems.map { "\(type) on \(topic): \($0)" }
    }
}

extension JSONNode {
    /// An object's member, nil for anything else.
    func member(_ key: String) -> JSONNode? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }
}
