import Chassis
import Foundation
import Processes

/// Parses the command line, runs the command and turns every failure into one line on stderr
/// and an exit code.
enum Devstack {
    static func run(_ words: [String]) -> Int32 {
        do {
            let invocation = try Invocation(parsing: words)
            let control = ControlClient(port: invocation.resolvedControlPort)
            switch invocation.command {
            case .help:
                print(usage)
            case .status:
                try control.status()
            case .stop(let service):
                try control.stop(service)
            case .start(let service):
                try control.start(service)
            case .rollout(let context):
                try control.rollout(context)
            case .console(let name):
                try ConsoleCommand.run(system: try system(named: name), invocation: invocation, environment: ProcessInfo.processInfo.environment)
            case .up(let name):
                let system = try system(named: name)
                // Before any thread starts, so that every thread inherits the blocked mask.
                TerminationSignals.block()
                let environment = ProcessInfo.processInfo.environment
                let plan = try StackPlan(system: system, invocation: invocation, environment: environment,
                                         tools: Tools(environment: environment))
                try Up(plan: plan, invocation: invocation).run()
            }
            return 0
        } catch let failure as Failure {
            var text = "devstack: \(failure.message)\n"
            if case .usage = failure { text += "\n" + usage + "\n" }
            FileHandle.standardError.write(Data(text.utf8))
            return failure.exitCode
        } catch {
            FileHandle.standardError.write(Data("devstack: \(error)\n".utf8))
            return 1
        }
    }

    private static func system(named name: String) throws(Failure) -> SystemManifest {
        guard let system = Systems.named(name) else {
            throw Failure.unknown("unknown system '\(name)' (known: \(Systems.all.map(\.name).joined(separator: ", ")))")
        }
        return system
    }

    /// How the user runs devstack, for the commands it suggests: `scripts/devstack` sets
    /// DEVSTACK_COMMAND to how it was invoked; the bare executable says `devstack`.
    static let command = ProcessInfo.processInfo.environment["DEVSTACK_COMMAND"].flatMap { $0.isEmpty ? nil : $0 } ?? "devstack"

    static var usage: String {
        """
        Usage:
          \(command) up SYSTEM [--port-base N] [--kafka-port N] [--control-port N] [--state-dir DIR] [--ready-timeout S]
                  [--database sqlite|postgres] [--replicas CONTEXT=N,...] [--broker tansu|mock]
              run a whole system locally: a Kafka broker (unless KAFKA_BOOTSTRAP_SERVERS is set), its
              topics, every service and the gateway; waits (default 90 s) until each is ready; streams
              their logs; Ctrl-C stops everything. --database postgres keeps the services' state in a
              local PostgreSQL (a database per service); --replicas runs N replicas of a context (1 to
              \(Invocation.maxReplicas)), which the gateway and the callers balance over; --broker mock runs
              librdkafka's mock cluster (\(MockBrokers.count) brokers, in devstack's process) instead of Tansu; the
              control API stops one of its brokers and starts it again (POST /brokers/ID/stop|start), as chaos does
          \(command) console SYSTEM [--port-base N]
              the web console of a running system (up starts it): its map with each service's state, its
              events as they are published, one saga's timeline, the consumer groups' offsets; read-only.
              Reads KAFKA_BOOTSTRAP_SERVERS, KAFKA_PROPERTIES and <CONTEXT>_URL as a service would;
              listens on HOST (127.0.0.1) and PORT (port base + \(SystemManifest.consoleOffset))
          \(command) status              every process of the running devstack: name, pid, port, state
          \(command) stop SERVICE        stop one process; it stays stopped until start
          \(command) start SERVICE       start it again and wait until it is ready
          \(command) rollout CONTEXT     replace a context's replicas one at a time: a new one in the spare
                                      slot, ready, then the old one stopped (zero-downtime redeploy)

        Systems: \(Systems.all.map(\.name).joined(separator: ", "))
        Ports: services --port-base + 1, 2, ... (default \(SystemManifest.portBase)), gateway + \(SystemManifest.gatewayOffset), control + \(SystemManifest.controlOffset) (or --control-port),
        console + \(SystemManifest.consoleOffset),
        local broker 9092 (or --kafka-port). status, stop, start and rollout need the same --port-base or --control-port.
        Replicas: slot 1 of a context on its port, named SERVICE; slot k on that port + \(StackPlan.slotSpacing) × (k - 1), named
        SERVICE-k; one slot more than its replicas, kept spare for rollout (after which SERVICE may run under another slot's name).
        State: each service's SQLite file in .devstack/SYSTEM/ (or --state-dir), or with --database postgres its
        database on a PostgreSQL on --port-base + \(StackPlan.postgresOffset) with its data in .devstack/SYSTEM/postgres;
        cleared when devstack starts its own broker, whose log is new; kept with KAFKA_BOOTSTRAP_SERVERS.

        Exit codes: 0 done; 1 could not be done (no devstack running, port in use, not built, not ready);
        2 unknown command, option, system or service.
        """
    }
}
