import Foundation
import JSON
import Kafka

/// A system's committed AsyncAPI document (`contracts/<system>/asyncapi.json`), read to check
/// records as they cross a topic: the topic must be one of its channels, the record's `ce_type`
/// one of that channel's messages, its headers and payload what the message's schemas allow,
/// and the payload what each consumer of the topic reads of that event (its `x-reads`).
public struct EventContract: ContractDocument {
    let document: JSONNode
    /// Each event each consumer group reads (the receive operations' `x-reads`), in document order.
    public let reads: [Read]

    public struct Read: Sendable {
        public let consumer: String, topic: String, type: String
        /// What the consumer decodes of the event.
        public let schema: JSONNode
    }

    public static let folder = "contracts"
    public static let fileName = "asyncapi.json"
    /// The message of every dead-letter channel.
    public static let deadLetter = "DeadLetter"

    public init(_ document: JSONNode) {
        self.document = document
        var reads: [Read] = []
        if case .object(let operations)? = document["operations"] {
            for operation in operations.values where operation["action"]?.stringValue == "receive" {
                guard let topic = operation["channel"]?["$ref"]?.stringValue?.split(separator: "/").last,
                      case .object(let schemas)? = operation["x-reads"] else { continue }
                let consumer = operation["bindings"]?["kafka"]?["groupId"]?["enum"]?.arrayValue?.first?.stringValue ?? "?"
                reads += schemas.distinctKeys.map { Read(consumer: consumer, topic: String(topic), type: $0, schema: schemas[$0]!) }
            }
        }
        self.reads = reads
    }

    /// The document's version (`info.version`).
    public var version: String { document["info"]?["version"]?.stringValue ?? "?" }

    /// The payload schema of `type` as published on `topic`; nil when it is not published there.
    public func payload(of type: String, on topic: String) -> JSONNode? {
        guard document["channels"]?[topic]?["messages"]?[type] != nil else { return nil }
        return document["components"]?["messages"]?[type]?["payload"]
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
            for read in reads where read.topic == topic && read.type == type {
                problems += SchemaValidation.problems(payload, against: read.schema, at: "payload").map { "as \(read.consumer) reads it, \($0)" }
            }
        } catch {
            problems.append("the payload is not JSON: \(error)")
        }
        return problems.map { "\(type) on \(topic): \($0)" }
    }
}
