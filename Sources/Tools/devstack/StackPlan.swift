import Chassis
import Foundation
import Kafka
import Processes

/// Every process of one system on one port base, with the environment each gets: the whole
/// stack decided before anything starts.
struct StackPlan: Sendable {
    let system: SystemManifest
    /// The local broker, when KAFKA_BOOTSTRAP_SERVERS did not name one and it is Tansu.
    let broker: ProcessSpec?
    /// librdkafka's mock cluster in devstack's process (`--broker mock`), instead of Tansu.
    let mockBrokers: MockBrokers?
    let kafkaBootstrapServers: String
    /// The local PostgreSQL server (`--database postgres`), and the database each context gets in it.
    let postgres: (spec: ProcessSpec, server: LocalPostgreSQL, databases: [String])?
    /// Every replica slot of every context, in manifest order: slot 1 of a context on its
    /// default port, slot k on that port + 100 × (k - 1). A context with N replicas has N + 1
    /// slots; the last is spare, for a rollout's new replica.
    let services: [ProcessSpec]
    let gateway: ProcessSpec
    /// The web console (`devstack console`), watching the services, the gateway's routes aside.
    let webConsole: ProcessSpec
    let controlPort: Int
    let stateDirectory: URL
    /// The gateway's HS256 secret, which devstack makes when routes are protected and no key is given.
    let developmentSecret: URL?

    init(system: SystemManifest, invocation: Invocation, environment: [String: String], tools: Tools) throws(Failure) {
        self.system = system
        let base = invocation.portBase
        controlPort = invocation.resolvedControlPort
        stateDirectory = URL(fileURLWithPath: invocation.stateDirectory ?? ".devstack/\(system.name)").standardizedFileURL

        if let external = environment["KAFKA_BOOTSTRAP_SERVERS"], !external.isEmpty {
            guard invocation.kafkaPort == nil else {
                throw .usage("--kafka-port is the local broker's port, but KAFKA_BOOTSTRAP_SERVERS=\(external) names a broker")
            }
            guard invocation.broker == .tansu else {
                throw .usage("--broker mock runs a broker of devstack's own, but KAFKA_BOOTSTRAP_SERVERS=\(external) names one")
            }
            kafkaBootstrapServers = external
            broker = nil
            mockBrokers = nil
        } else if invocation.broker == .mock {
            let mock = try MockBrokers()
            kafkaBootstrapServers = mock.bootstrapServers
            broker = nil
            mockBrokers = mock
        } else {
            let port = invocation.kafkaPort ?? 9092
            let url = "tcp://127.0.0.1:\(port)"
            kafkaBootstrapServers = "127.0.0.1:\(port)"
            broker = ProcessSpec(
                name: "kafka", executable: try tools.tansu(),
                arguments: ["broker", "--listener-url", url, "--advertised-listener-url", url, "--storage-engine", "memory://tansu/"],
                environment: environment, port: port, readiness: .listening)
            mockBrokers = nil
        }

        if let unknown = invocation.replicas.keys.sorted().first(where: { name in !system.contexts.contains { $0.name == name } }) {
            throw .usage("--replicas: \(system.name) has no context '\(unknown)' (it has \(system.contexts.map(\.name).joined(separator: ", ")))")
        }
        let replicas = { (context: ContextManifest) in invocation.replicas[context.name] ?? 1 }
        let slotPort = { (context: ContextManifest, slot: Int) in base + context.portOffset + Self.slotSpacing * slot }
        // Every slot's URL, joined by |: the gateway and the callers try them in turn.
        let urls = Dictionary(uniqueKeysWithValues: system.contexts.map { context in
            (context.name, (0...replicas(context)).map { "http://127.0.0.1:\(slotPort(context, $0))" }.joined(separator: "|"))
        })

        switch invocation.database {
        case .sqlite:
            postgres = nil
        case .postgres:
            let port = base + Self.postgresOffset
            let server: LocalPostgreSQL
            do {
                server = try LocalPostgreSQL(dataDirectory: stateDirectory.appendingPathComponent("postgres"), port: port, environment: environment)
            } catch {
                throw .failed("\(error)")
            }
            let (executable, arguments) = server.command()
            postgres = (ProcessSpec(name: "postgres", executable: executable, arguments: arguments, environment: environment,
                                    port: port, readiness: .listening),
                        server, system.contexts.map(\.databaseName))
        }

        var services: [ProcessSpec] = []
        for context in system.contexts {
            let executable = try tools.executable(context.executable)
            var env = environment.merging(system.upstreamEnvironment(of: context.name, urls)) { _, upstream in upstream }
            env["HOST"] = "127.0.0.1"
            if let postgres {
                env["DATABASE_URL"] = postgres.server.url(database: context.databaseName)
            } else {
                env["DATABASE_PATH"] = stateDirectory.appendingPathComponent("\(context.executable).sqlite").path
            }
            env["KAFKA_BOOTSTRAP_SERVERS"] = kafkaBootstrapServers
            // Twice the gateway's readiness interval: a replica stopping is out of its rotation first.
            if (env["SHUTDOWN_DELAY_MS"] ?? "").isEmpty { env["SHUTDOWN_DELAY_MS"] = "1000" }
            if (env["KAFKA_CONSUMER_PROPERTIES"] ?? "").isEmpty { env["KAFKA_CONSUMER_PROPERTIES"] = LocalBroker.consumerProperties.commaSeparated }
            for slot in 0...replicas(context) {
                let port = slotPort(context, slot)
                guard port <= 65535 else { throw .usage("--port-base \(base) leaves no port for \(context.executable)'s replica \(slot + 1)") }
                env["PORT"] = "\(port)"
                services.append(ProcessSpec(name: slot == 0 ? context.executable : "\(context.executable)-\(slot + 1)",
                                            executable: executable, arguments: [], environment: env, port: port,
                                            readiness: .readyzAndJoined, context: context.name, startsWithStack: slot < replicas(context)))
            }
        }
        self.services = services

        var env = environment
        env["HOST"] = "127.0.0.1"
        env["PORT"] = "\(base + SystemManifest.gatewayOffset)"
        env["ROUTES"] = system.gatewayRoutes(urls)
        developmentSecret = DevelopmentToken.secretFile(environment, stateDirectory: stateDirectory)
        if let developmentSecret { env["JWT_SECRET_FILE"] = developmentSecret.path }
        gateway = ProcessSpec(name: "gateway", executable: try tools.executable("gateway"), arguments: [],
                              environment: env, port: base + SystemManifest.gatewayOffset, readiness: .readyz)

        var consoleEnvironment = environment.merging(Dictionary(uniqueKeysWithValues: system.contexts.map {
            (ContextManifest.urlVariable(of: $0.name), urls[$0.name]!)
        })) { _, url in url }
        consoleEnvironment["HOST"] = "127.0.0.1"
        consoleEnvironment["PORT"] = "\(base + SystemManifest.consoleOffset)"
        consoleEnvironment["KAFKA_BOOTSTRAP_SERVERS"] = kafkaBootstrapServers
        webConsole = ProcessSpec(name: "console", executable: try tools.executable("devstack"), arguments: ["console", system.name],
                                 environment: consoleEnvironment, port: base + SystemManifest.consoleOffset, readiness: .readyz)
    }

    static let slotSpacing = 100
    /// The local PostgreSQL's port, from the port base.
    static let postgresOffset = 20

    /// What the services stand on, started first and stopped last: the database server, then the broker.
    var infrastructure: [ProcessSpec] { (postgres.map { [$0.spec] } ?? []) + (broker.map { [$0] } ?? []) }

    var all: [ProcessSpec] { infrastructure + services + [gateway, webConsole] }

    /// One topic per publishing context, `<system>.<context>`.
    var topics: [String] { system.contexts.map(\.topic) }

    /// Whether the broker is devstack's own, whose log starts empty (Tansu or the mock cluster,
    /// both in memory): the services' state from an earlier run refers to a log that is gone.
    var brokerIsNew: Bool { broker != nil || mockBrokers != nil }

    /// The database files of the services; a new in-memory broker makes them stale, since their
    /// inbox and outbox refer to a log that is gone.
    var databaseFiles: [URL] {
        services.flatMap { service in
            ["", "-wal", "-shm"].map { stateDirectory.appendingPathComponent("\(service.name).sqlite\($0)") }
        }
    }
}
