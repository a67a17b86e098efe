import Chassis
import Foundation

/// A whole system as processes, from its manifest: a broker, one service per context on a free
/// port (each told where the contexts it calls listen), and the gateway routing to them.
public final class SystemStack: @unchecked Sendable {
    public let system: SystemManifest
    public let broker: TestBroker
    public let directory: URL
    /// In the manifest's order.
    public let services: [ServiceProcess]
    public let gateway: ServiceProcess

    /// `environment` adds variables per context ("booking": [...]); "gateway" names the gateway.
    /// Returns once every service is ready and every consumer holds its partitions.
    public init(_ system: SystemManifest, label: String, environment: [String: [String: String]] = [:]) throws {
        self.system = system
        directory = try ProjectPaths.temporaryDirectory("\(system.name)-\(label)")
        broker = try TestBroker(label: "\(system.name)-\(label)-broker")
        let ports = try system.contexts.map { _ in try freePort() }
        let urls = Dictionary(uniqueKeysWithValues: zip(system.contexts, ports).map { ($0.name, "http://127.0.0.1:\($1)") })
        services = try zip(system.contexts, ports).map { [broker, directory] context, port in
            let own = system.upstreamEnvironment(of: context.name, urls).merging(environment[context.name] ?? [:]) { _, test in test }
            return try ServiceProcess(context.executable, broker: broker, directory: directory, port: port, environment: own)
        }
        gateway = try ServiceProcess("gateway", broker: broker, directory: directory, environment: [
            "ROUTES": system.gatewayRoutes(urls), "UPSTREAM_TIMEOUT_MS": "5000",
        ].merging(environment["gateway"] ?? [:]) { _, test in test })
        for service in services + [gateway] { try service.start() }
        // Every consumer must hold its partitions before events flow, or a test's first wait
        // would also time the broker's group join.
        for service in services where try service.consumes { try service.waitForPartitions(timeout: .seconds(60)) }
    }

    public subscript(_ context: String) -> ServiceProcess {
        services[system.contexts.firstIndex { $0.name == context }!]
    }

    public func stop() {
        for service in [gateway] + services { service.stop() }
        broker.stop()
    }
}
