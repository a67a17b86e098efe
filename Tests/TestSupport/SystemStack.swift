import Chassis
import Foundation
import Testing

/// A whole system as processes, from its manifest: a broker, one service per context on a free
/// port (each told where the contexts it calls listen), and the gateway routing to them.
public final class SystemStack: @unchecked Sendable {
    public let system: SystemManifest
    public let broker: TestBroker
    public let directory: URL
    /// In the manifest's order, a context's replicas together.
    public let services: [ServiceProcess]
    public let gateway: ServiceProcess
    /// Every exchange of `request`, checked by `stop`.
    let answers = APITraffic()

    /// `environment` adds variables per context ("booking": [...]); "gateway" names the gateway.
    /// Each service keeps its state in `engine`: an SQLite file, or a database of its own on the
    /// test PostgreSQL server. `replicas` runs more than one process of a context, sharing its
    /// database; the gateway and the callers balance over them. Returns once every service is
    /// ready and every consumer holds its partitions.
    public init(_ system: SystemManifest, label: String, engine: StorageEngine = .sqlite,
                replicas: [String: Int] = [:], environment: [String: [String: String]] = [:]) throws {
        self.system = system
        directory = try ProjectPaths.temporaryDirectory("\(system.name)-\(label)")
        broker = try TestBroker(label: "\(system.name)-\(label)-broker")
        let ports = try system.contexts.map { context in try (0..<(replicas[context.name] ?? 1)).map { _ in try freePort() } }
        let urls = Dictionary(uniqueKeysWithValues: zip(system.contexts, ports).map { context, ports in
            (context.name, ports.map { "http://127.0.0.1:\($0)" }.joined(separator: "|"))
        })
        var services: [ServiceProcess] = []
        for (context, ports) in zip(system.contexts, ports) {
            let own = system.upstreamEnvironment(of: context.name, urls).merging(environment[context.name] ?? [:]) { _, test in test }
            let database = try TestDatabase.new(engine, name: context.executable, in: directory)
            for (index, port) in ports.enumerated() {
                services.append(try ServiceProcess(context.executable, name: index == 0 ? nil : "\(context.executable)-\(index + 1)",
                                                   broker: broker, directory: directory, database: database, port: port, environment: own))
            }
        }
        self.services = services
        gateway = try ServiceProcess("gateway", broker: broker, directory: directory, environment: [
            "ROUTES": system.gatewayRoutes(urls), "UPSTREAM_TIMEOUT_MS": "5000",
        ].merging(environment["gateway"] ?? [:]) { _, test in test })
        for service in services + [gateway] { try service.start() }
        // Every consumer must hold its partitions before events flow, or a test's first wait
        // would also time the broker's group join.
        for service in services where try service.consumes { try service.waitForPartitions(timeout: .seconds(60)) }
    }

    /// The context's service (its first replica).
    public subscript(_ context: String) -> ServiceProcess {
        services.first { $0.name == system[context].executable }!
    }

    /// Stops every process, then checks every record left on the system's topics against its
    /// committed AsyncAPI document (`ContractTraffic`), and every exchange through the gateway
    /// against its OpenAPI document (`APITraffic`). The test fails (at `location`) on a record or
    /// an exchange that breaks them, on a dead letter, and on no record at all (nothing would have
    /// been checked).
    public func stop(sourceLocation location: SourceLocation = #_sourceLocation) {
        for service in [gateway] + services { service.stop() }
        do {
            let report = try ContractTraffic.check(system, on: broker)
            var problems = report.problems
            if report.records == 0 { problems.append("no record was left on the topics to check") }
            problems += report.deadLetters.map { "a dead letter: \($0)" }
            problems += try answers.problems(system)
            for problem in problems.prefix(10) { Issue.record("the contract: \(problem)", sourceLocation: location) }
            if problems.count > 10 {
                Issue.record("the contract: \(problems.count - 10) more problems", sourceLocation: location)
            }
        } catch {
            Issue.record("the traffic could not be checked against the contracts: \(error)", sourceLocation: location)
        }
        broker.stop()
    }
}
