import Foundation
import Kafka
import Storage
import Tracing

/// A service's settings, read from environment variables with defaults and validated at start.
public struct ServiceConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var kafkaBootstrapServers: String
    /// Extra librdkafka properties for every client, from KAFKA_PROPERTIES ("key=value,key=value").
    public var kafkaProperties: KafkaProperties
    /// Extra properties for the consumer only (session.timeout.ms, ...), from KAFKA_CONSUMER_PROPERTIES.
    public var kafkaConsumerProperties: KafkaProperties
    /// How the service creates its topics: partitions, replication, retention.
    public var topics: TopicSettings
    /// The SQLite file, when `databaseURL` is nil.
    public var databasePath: String
    /// PostgreSQL instead of SQLite, from DATABASE_URL (`postgres://…`): for services whose
    /// replicas share state. libpq reads the URL, TLS parameters (`sslmode`, …) included.
    public var databaseURL: String?
    /// PostgreSQL only: connections per process, and how long statements may run.
    public var databasePoolSize: Int
    public var databaseStatementTimeout: Duration
    /// How long the database may fail to answer before /healthz fails (/readyz fails at once).
    public var databaseUnreachableLimit: Duration
    public var shutdownGracePeriod: Duration
    /// How long SIGTERM keeps serving with /readyz failing before it stops accepting, so that a
    /// load balancer (the gateway, a Kubernetes Service) notices and stops sending first.
    public var shutdownDelay: Duration
    /// How long the consumer may be held by one event (its database failing, a slow policy) before
    /// /healthz and /readyz report it stalled, so that Kubernetes restarts the service.
    public var consumerStallLimit: Duration
    /// How long a POST's `Idempotency-Key` and its answer are kept.
    public var idempotencyKeyTTL: Duration
    /// The least severe log lines written, from LOG_LEVEL.
    public var logLevel: Logger.Level
    /// Where its spans are exported (`OTEL_EXPORTER_OTLP_ENDPOINT`, `TracingConfiguration`); nil for nowhere.
    public var tracing: OTLPExporter.Settings?
    public let environment: [String: String]

    /// Reads the common settings; `defaultPort` is the service's port when PORT is unset.
    public init(service: String, defaultPort: Int, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) {
        self.environment = environment
        let reader = EnvironmentReader(environment)
        host = reader.string("HOST", default: "0.0.0.0")
        port = try reader.int("PORT", default: defaultPort, in: 0...65535)
        kafkaBootstrapServers = reader.string("KAFKA_BOOTSTRAP_SERVERS", default: "127.0.0.1:9092")
        kafkaProperties = try Self.kafkaProperties("KAFKA_PROPERTIES", reader)
        kafkaConsumerProperties = try Self.kafkaProperties("KAFKA_CONSUMER_PROPERTIES", reader)
        topics = TopicSettings(
            partitions: Int32(try reader.int("KAFKA_TOPIC_PARTITIONS", default: 3, in: 1...1000)),
            replicationFactor: try reader.optionalInt("KAFKA_TOPIC_REPLICATION_FACTOR", in: 1...32).map(Int32.init),
            minInsyncReplicas: try reader.optionalInt("KAFKA_TOPIC_MIN_INSYNC_REPLICAS", in: 1...32).map(Int32.init),
            retentionMs: Int64(try reader.int("KAFKA_TOPIC_RETENTION_MS", default: -1, in: 1...Int.max, orUnlimited: true)))
        databasePath = reader.string("DATABASE_PATH", default: "data/\(service).sqlite")
        databaseURL = environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        if let url = databaseURL {
            guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
                throw ConfigurationError(description: "DATABASE_URL must be a postgres:// or postgresql:// URL (SQLite takes DATABASE_PATH)")
            }
            guard (environment["DATABASE_PATH"] ?? "").isEmpty else {
                throw ConfigurationError(description: "DATABASE_URL and DATABASE_PATH are both set: set one (PostgreSQL or SQLite)")
            }
        }
        databasePoolSize = try reader.int("DATABASE_POOL_SIZE", default: 4, in: 2...64)
        databaseStatementTimeout = .seconds(try reader.int("DATABASE_STATEMENT_TIMEOUT_SECONDS", default: 10, in: 1...600))
        databaseUnreachableLimit = .seconds(try reader.int("DATABASE_UNREACHABLE_SECONDS", default: 30, in: 1...3600))
        shutdownGracePeriod = .seconds(try reader.int("SHUTDOWN_GRACE_SECONDS", default: 20, in: 1...600))
        shutdownDelay = .milliseconds(try reader.int("SHUTDOWN_DELAY_MS", default: 0, in: 0...60_000))
        guard shutdownDelay < shutdownGracePeriod else {
            throw ConfigurationError(description: "SHUTDOWN_DELAY_MS must be shorter than SHUTDOWN_GRACE_SECONDS, which it is part of")
        }
        consumerStallLimit = .seconds(try reader.int("CONSUMER_STALL_SECONDS", default: 60, in: 1...3600))
        idempotencyKeyTTL = .seconds(try reader.int("IDEMPOTENCY_KEY_TTL_SECONDS", default: 86_400, in: 60...2_592_000))
        let level = reader.string("LOG_LEVEL", default: Logger.Level.info.rawValue)
        // As other tools spell them too: `INFO`, `warn`.
        guard let logLevel = Logger.Level(rawValue: level.lowercased() == "warn" ? "warning" : level.lowercased()) else {
            throw ConfigurationError(description: "LOG_LEVEL=\(level) is not one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.logLevel = logLevel
        do {
            tracing = try TracingConfiguration.settings(service: service, environment: environment)
        } catch {
            throw ConfigurationError(description: error.description)
        }
    }

    /// Where the state is, for logs: the file, or the URL without its password.
    public var databaseDescription: String {
        databaseURL.map(Database.redacting) ?? databasePath
    }

    /// An upstream's base URL (e.g. ISSUANCE_URL), required to be http://host:port, or several
    /// joined by `|` for a service with replicas.
    public func url(_ name: String, default value: String) throws(ConfigurationError) -> String {
        try EnvironmentReader(environment).url(name, default: value)
    }

    public func int(_ name: String, default value: Int, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        try EnvironmentReader(environment).int(name, default: value, in: range)
    }
}

public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

extension ServiceConfiguration {
    /// `KAFKA_PROPERTIES` alone, checked: for a tool that reaches the services' broker as they do.
    public static func kafkaProperties(_ environment: [String: String]) throws(ConfigurationError) -> KafkaProperties {
        try kafkaProperties("KAFKA_PROPERTIES", EnvironmentReader(environment))
    }

    private static func kafkaProperties(_ variable: String, _ reader: EnvironmentReader) throws(ConfigurationError) -> KafkaProperties {
        let properties = try reader.properties(variable)
        do { try properties.validate() } catch { throw ConfigurationError(description: "\(variable): \(error.message)") }
        return properties
    }
}

private struct EnvironmentReader {
    let environment: [String: String]
    init(_ environment: [String: String]) { self.environment = environment }

    func string(_ name: String, default value: String) -> String {
        guard let v = environment[name], !v.isEmpty else { return value }
        return v
    }

    /// `orUnlimited` also takes -1 (Kafka's "no limit").
    func int(_ name: String, default value: Int, in range: ClosedRange<Int>, orUnlimited: Bool = false) throws(ConfigurationError) -> Int {
        try optionalInt(name, in: range, orUnlimited: orUnlimited) ?? value
    }

    func optionalInt(_ name: String, in range: ClosedRange<Int>, orUnlimited: Bool = false) throws(ConfigurationError) -> Int? {
        guard let raw = environment[name], !raw.isEmpty else { return nil }
        if orUnlimited && raw == "-1" { return -1 }
        guard raw.allSatisfy(\.isASCIIDigit), let v = Int(raw), range.contains(v) else {
            throw ConfigurationError(description: "\(name)=\(raw) is not a whole number in \(range.lowerBound)...\(range.upperBound)"
                                     + (orUnlimited ? " (or -1, unlimited)" : ""))
        }
        return v
    }

    /// One `http://host:port`, or several joined by `|` (the replicas of one service).
    func url(_ name: String, default value: String) throws(ConfigurationError) -> String {
        let given = string(name, default: value)
        var urls: [String] = []
        for v in given.split(separator: "|", omittingEmptySubsequences: false).map(String.init) {
            guard let url = URL(string: v), url.scheme == "http", url.host != nil, url.port != nil else {
                throw ConfigurationError(description: "\(name)=\(given) is not an http://host:port URL (or several joined by |)")
            }
            urls.append(v.hasSuffix("/") ? String(v.dropLast()) : v)
        }
        return urls.joined(separator: "|")
    }

    func properties(_ name: String) throws(ConfigurationError) -> KafkaProperties {
        guard let raw = environment[name], !raw.isEmpty else { return [:] }
        var result: KafkaProperties = [:]
        for pair in raw.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ConfigurationError(description: "\(name): '\(pair)' is not key=value")
            }
            result[parts[0]] = parts[1]
        }
        return result
    }
}

private extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
