import Chassis
import Foundation

/// Every process of one system on one port base, with the environment each gets: the whole
/// stack decided before anything starts.
struct StackPlan: Sendable {
    let system: SystemManifest
    /// The local broker, when KAFKA_BOOTSTRAP_SERVERS did not name one.
    let broker: ProcessSpec?
    let kafkaBootstrapServers: String
    let services: [ProcessSpec]
    let gateway: ProcessSpec
    let controlPort: Int
    let stateDirectory: URL

    /// Tansu's JoinGroup wait grows with max.poll.interval.ms; short intervals keep a restarted
    /// service's group join to seconds.
    static let consumerProperties = "session.timeout.ms=10000,max.poll.interval.ms=10000,heartbeat.interval.ms=1000"

    init(system: SystemManifest, invocation: Invocation, environment: [String: String], tools: Tools) throws(Failure) {
        self.system = system
        let base = invocation.portBase
        controlPort = invocation.resolvedControlPort
        stateDirectory = URL(fileURLWithPath: invocation.stateDirectory ?? ".devstack/\(system.name)").standardizedFileURL

        if let external = environment["KAFKA_BOOTSTRAP_SERVERS"], !external.isEmpty {
            guard invocation.kafkaPort == nil else {
                throw .usage("--kafka-port is the local broker's port, but KAFKA_BOOTSTRAP_SERVERS=\(external) names a broker")
            }
            kafkaBootstrapServers = external
            broker = nil
        } else {
            let port = invocation.kafkaPort ?? 9092
            let url = "tcp://127.0.0.1:\(port)"
            kafkaBootstrapServers = "127.0.0.1:\(port)"
            broker = ProcessSpec(
                name: "kafka", executable: try tools.tansu(),
                arguments: ["broker", "--listener-url", url, "--advertised-listener-url", url, "--storage-engine", "memory://tansu/"],
                environment: environment, port: port, readiness: .listening)
        }

        let urls = Dictionary(uniqueKeysWithValues: system.contexts.map { ($0.name, "http://127.0.0.1:\(base + $0.portOffset)") })
        var services: [ProcessSpec] = []
        for context in system.contexts {
            let name = context.executable
            var env = environment.merging(system.upstreamEnvironment(of: context.name, urls)) { _, upstream in upstream }
            env["HOST"] = "127.0.0.1"
            env["PORT"] = "\(base + context.portOffset)"
            env["DATABASE_PATH"] = stateDirectory.appendingPathComponent("\(name).sqlite").path
            env["KAFKA_BOOTSTRAP_SERVERS"] = kafkaBootstrapServers
            if (env["KAFKA_CONSUMER_PROPERTIES"] ?? "").isEmpty { env["KAFKA_CONSUMER_PROPERTIES"] = Self.consumerProperties }
            services.append(ProcessSpec(name: name, executable: try tools.executable(name), arguments: [],
                                        environment: env, port: base + context.portOffset, readiness: .readyzAndJoined))
        }
        self.services = services

        var env = environment
        env["HOST"] = "127.0.0.1"
        env["PORT"] = "\(base + SystemManifest.gatewayOffset)"
        env["ROUTES"] = system.gatewayRoutes(urls)
        gateway = ProcessSpec(name: "gateway", executable: try tools.executable("gateway"), arguments: [],
                              environment: env, port: base + SystemManifest.gatewayOffset, readiness: .readyz)
    }

    /// Broker first: it is started first and stopped last.
    var all: [ProcessSpec] { (broker.map { [$0] } ?? []) + services + [gateway] }

    /// One topic per publishing context, `<system>.<context>`.
    var topics: [String] { system.contexts.map(\.topic) }

    /// The database files of the services; a new in-memory broker makes them stale, since their
    /// inbox and outbox refer to a log that is gone.
    var databaseFiles: [URL] {
        services.flatMap { service in
            ["", "-wal", "-shm"].map { stateDirectory.appendingPathComponent("\(service.name).sqlite\($0)") }
        }
    }
}
