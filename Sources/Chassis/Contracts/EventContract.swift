import Foundation
import JSON
import Kafka

/// A system's committed AsyncAPI document (`contracts/<system>/asyncapi.json`), read to check
/// records as they cross a topic: the topic must be one of its channels, the record's `ce_type`
/// one of that channel's messages, its headers and payload what the message's schemas allow,
/// and the payload what each consumer of the topic reads of that event (its `x-reads`).
public struct EventContract: Sendable {
    let document: JSONNode
    /// Per topic: each consumer group reading it, and what it reads of each event type.
    let reads: [String: [(consumer: String, schemas: JSONMembers)]]

    public static let folder = "contracts"
    public static let fileName = "asyncapi.json"
    /// The message of every dead-letter channel.
    public static let deadLetter = "DeadLetter"

    /// `contracts/<system>/asyncapi.json`, relative to the repository's root.
    public static func path(of system: String) -> String { "\(folder)/\(system)/\(fileName)" }

    public init(contentsOf url: URL) throws {
        document = try JSONNode(parsing: Array(try Data(contentsOf: url)))
        var reads: [String: [(String, JSONMembers)]] = [:]
        if case .object(let operations)? = document["operations"] {
            for operation in operations.values where operation["action"]?.stringValue == "receive" {
                guard let topic = operation["channel"]?["$ref"]?.stringValue?.split(separator: "/").last,
                      case .object(let schemas)? = operation["x-reads"] else { continue }
                let consumer = operation["bindings"]?["kafka"]?["groupId"]?["enum"]?.arrayValue?.first?.stringValue ?? "?"
                reads[String(topic), default: []].append((consumer, schemas))
            }
        }
        self.reads = reads
    }

    /// Whether `topic` is a dead-letter channel: its records are as they arrived, unchecked.
    public func isDeadLetterChannel(_ topic: String) -> Bool {
        document["channels"]?[topic]?["messages"]?[Self.deadLetter] != nil
    }

    /// Each way the record breaks the document; empty when it conforms (or is a dead letter).
    public func problems(topic: String, headers: [KafkaHeader], value: [UInt8]) -> [String] {
        guard let messages = document["channels"]?[topic]?["messages"] else { return ["\(topic) is not a channel of the document"] }
        if isDeadLetterChannel(topic) { return [] }
        let type = headers.text("ce_type") ?? ""
        guard messages[type] != nil, let message = document["components"]?["messages"]?[type] else {
            return ["\(topic) carries \(type.isEmpty ? "a record without ce_type" : type), which is not one of its messages"]
        }
        var headerObject = JSONMembers()
        for header in headers { headerObject.append(header.name, .string(header.text)) }
        var problems = SchemaValidation.problems(.object(headerObject), against: message["headers"] ?? .bool(true), at: "headers")
        do {
            let payload = try JSONNode(parsing: value)
            problems += SchemaValidation.problems(payload, against: message["payload"] ?? .bool(true), at: "payload")
            for (consumer, schemas) in reads[topic] ?? [] {
                guard let read = schemas[type] else { continue }
                problems += SchemaValidation.problems(payload, against: read, at: "payload").map { "as \(consumer) reads it, \($0)" }
            }
        } catch {
            problems.append("the payload is not JSON: \(error)")
        }
        return problems.map { "\(type) on \(topic): \($0)" }
    }
}
