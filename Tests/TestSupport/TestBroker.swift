import Foundation
import Kafka

/// A Tansu broker on a free 127.0.0.1 port, just for one test. Tansu keeps data in memory,
/// so a restart starts with an empty log on the same address.
public final class TestBroker: @unchecked Sendable {
    public let port: Int
    public let directory: URL
    private var process: ChildProcess?

    public var bootstrapServers: String { "127.0.0.1:\(port)" }

    public init(label: String = "broker") throws {
        let tansu = ProjectPaths.tansu
        guard FileManager.default.isExecutableFile(atPath: tansu) else {
            throw TestSupportError("Tansu not found at \(tansu): run scripts/setup (or set TANSU_BIN)")
        }
        port = try freePort()
        directory = try ProjectPaths.temporaryDirectory(label)
        try start()
    }

    deinit { process?.stop(timeout: .seconds(5)) }

    public func start() throws {
        let url = "tcp://127.0.0.1:\(port)"
        process = try ChildProcess(
            name: "tansu", executable: ProjectPaths.tansu,
            arguments: ["broker", "--listener-url", url, "--advertised-listener-url", url, "--storage-engine", "memory://tansu/"],
            logDirectory: directory)
        try eventually("Tansu listening on \(port)", timeout: .seconds(20)) { isListening(port: port) }
    }

    public func stop() {
        process?.stop(timeout: .seconds(5))
        process = nil
    }

    /// Client properties that keep Tansu's group joins short (its JoinGroup wait grows with
    /// max.poll.interval.ms).
    public func properties(_ extra: KafkaProperties = [:]) -> KafkaProperties {
        var props: KafkaProperties = ["bootstrap.servers": bootstrapServers]
        props.merge(extra) { _, new in new }
        return props
    }

    public static let fastGroupProperties: KafkaProperties = [
        "session.timeout.ms": "6000", "max.poll.interval.ms": "6000", "heartbeat.interval.ms": "500",
    ]

    public func createTopics(_ specs: [TopicSpec]) throws {
        try Admin(properties: properties()).createTopics(specs)
    }
}
