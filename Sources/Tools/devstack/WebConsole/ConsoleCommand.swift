import Chassis
import Foundation
import Kafka
import Processes

/// `devstack console SYSTEM`: serves the web console until SIGTERM or SIGINT. Where the broker
/// and the services are comes from the environment, as a service reads it: `KAFKA_BOOTSTRAP_SERVERS`
/// and `KAFKA_PROPERTIES`, `<CONTEXT>_URL` (by default where each listens on the port base), `HOST`
/// (loopback) and `PORT`.
enum ConsoleCommand {
    static func run(system: SystemManifest, invocation: Invocation, environment: [String: String]) throws {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let urls = Dictionary(uniqueKeysWithValues: system.contexts.map { context in
            (context.name, value(ContextManifest.urlVariable(of: context.name)) ?? "http://127.0.0.1:\(invocation.portBase + context.portOffset)")
        })
        let port = invocation.portBase + SystemManifest.consoleOffset
        guard let port = value("PORT").map({ Int($0) }) ?? port, (0...65535).contains(port) else {
            throw Failure.usage("PORT=\(environment["PORT"] ?? "") is not a port number")
        }
        var kafka: KafkaProperties
        do { kafka = try ServiceConfiguration.kafkaProperties(environment) } catch { throw Failure.usage("\(error)") }
        kafka["bootstrap.servers"] = value("KAFKA_BOOTSTRAP_SERVERS") ?? "127.0.0.1:9092"
        TerminationSignals.block()
        let console = WebConsole(system: system, kafka: kafka, urls: urls)
        let bound: Int
        do {
            bound = try console.start(host: value("HOST") ?? "127.0.0.1", port: port)
        } catch {
            throw Failure.failed("the console cannot listen on port \(port): \(error)")
        }
        FileHandle.standardOutput.write(Data("devstack console: \(system.name) on http://127.0.0.1:\(bound)\n".utf8))
        _ = TerminationSignals.wait()
    }
}
