import Foundation
import Kafka

/// The Kafka cluster one eventctl run talks to: where it is, how long to wait for it, and the
/// clients made on first use. Nothing connects until a command asks.
final class Cluster {
    let bootstrapServers: String
    let timeout: Duration
    private let timeoutMilliseconds: Int64
    private let timeoutText: String
    private let properties: KafkaProperties
    private var cachedAdmin: Admin?
    private var cachedTopics: [String: Int32] = [:]

    init(_ arguments: Arguments) throws(Failure) {
        bootstrapServers = try arguments.value("--bootstrap-server")
            ?? ProcessInfo.processInfo.environment["KAFKA_BOOTSTRAP_SERVERS"] ?? "127.0.0.1:9092"
        guard !bootstrapServers.isEmpty, bootstrapServers.split(separator: ",").allSatisfy({ server in
            server.split(separator: ":").last.flatMap { UInt16($0) } != nil && server.contains(":")
        }) else { throw .usage("malformed bootstrap server '\(bootstrapServers)': expected HOST:PORT[,HOST:PORT...]") }
        timeoutText = try arguments.value("--timeout") ?? "10s"
        timeoutMilliseconds = try TimeSyntax.timeoutMilliseconds(timeoutText)
        timeout = .milliseconds(timeoutMilliseconds)
        properties = [
            "bootstrap.servers": bootstrapServers,
            "client.id": "eventctl",
            // librdkafka's own log lines would bury eventctl's one-line error on stderr.
            "log_level": "2",
        ].merging(try arguments.value("--command-config").map(Cluster.readConfig) ?? [:]) { _, file in file }
    }

    func admin() throws -> Admin {
        if let cachedAdmin { return cachedAdmin }
        let admin = try Admin(properties: properties)
        // Metadata first: it fails right at the timeout when the broker is unreachable, where some
        // Admin requests take a second longer. The topics are needed by most commands anyway.
        cachedTopics = try admin.topics(timeout: timeout)
        cachedAdmin = admin
        return admin
    }

    /// A producer that gives up on a message after the timeout instead of librdkafka's 5 minutes.
    func producer() throws -> Producer {
        try Producer(properties: properties.merging(["message.timeout.ms": "\(timeoutMilliseconds)"]) { own, _ in own })
    }

    /// A consumer for reading assigned partitions. librdkafka wants a group id even then; it never
    /// joins the group or commits.
    func reader(properties extra: KafkaProperties = [:]) throws -> Consumer {
        let own = extra.merging(["group.id": "eventctl-reader", "enable.auto.commit": "false"]) { _, mine in mine }
        return try Consumer(properties: properties.merging(own) { _, mine in mine })
    }

    /// Every topic and its partition count, as they were when eventctl first asked.
    func topics() throws -> [String: Int32] {
        _ = try admin()
        return cachedTopics
    }

    /// The partitions of a topic that must exist.
    func partitions(of topic: String, in topics: [String: Int32]) throws(Failure) -> [Int32] {
        guard let count = topics[topic] else { throw .failed("topic '\(topic)' does not exist") }
        return Array(0..<count)
    }

    /// A group that must exist: one the broker lists (describing an unknown group answers
    /// "Empty", which would hide a typo).
    func group(_ name: String) throws -> ConsumerGroupDescription {
        let admin = try admin()
        guard try admin.consumerGroups(timeout: timeout).contains(where: { $0.name == name }) else {
            throw Failure.failed("consumer group '\(name)' does not exist (eventctl groups lists them)")
        }
        guard let description = try admin.describeConsumerGroups([name], timeout: timeout).first else {
            throw Failure.failed("the broker did not describe consumer group '\(name)'")
        }
        return description
    }

    /// One line that says what went wrong with the cluster.
    func explain(_ error: KafkaError) -> String {
        error.isUnreachable ? "no answer from Kafka at \(bootstrapServers) within \(timeoutText) (\(error.message))"
                            : "Kafka at \(bootstrapServers): \(error.message)"
    }

    /// `--command-config`: librdkafka properties (security settings, ...) as `key=value` lines.
    private static func readConfig(_ path: String) throws(Failure) -> KafkaProperties {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw .usage("cannot read command config \(path)") }
        var properties: KafkaProperties = [:]
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
            guard let eq = trimmed.firstIndex(of: "=") else { throw .usage("\(path):\(number + 1): expected key=value") }
            properties[trimmed[..<eq].trimmingCharacters(in: .whitespaces)] = trimmed[trimmed.index(after: eq)...].trimmingCharacters(in: .whitespaces)
        }
        return properties
    }
}
