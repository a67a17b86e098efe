import Chassis
import Foundation
import HTTP
import Kafka
import Processes

/// `devstack up SYSTEM`: broker, topics, services and gateway, supervised until Ctrl-C.
struct Up {
    let plan: StackPlan
    let invocation: Invocation

    /// Returns only on a failure to start; otherwise runs until SIGINT/SIGTERM and exits.
    func run() throws(Failure) -> Never {
        try checkPortsFree()
        try prepareStateDirectory()
        let console = Console(names: plan.all.map(\.name), environment: ProcessInfo.processInfo.environment)
        let supervisor = Supervisor(plan: plan, console: console)
        let control: HTTPServer
        do {
            control = try ControlServer.start(port: plan.controlPort, supervisor: supervisor, mockBrokers: plan.mockBrokers, console: console)
        } catch {
            throw .failed("cannot listen on 127.0.0.1:\(plan.controlPort) for devstack's control: \(error)")
        }

        let startup = Thread {
            do throws(Failure) {
                try bringUp(supervisor, console)
                try watchForFailures(supervisor)
            } catch {
                // A signal meanwhile is not a failure: the main thread is already stopping everything.
                guard !supervisor.isShuttingDown else { return }
                console.note("\(error.message.prefix { $0 != "\n" }); stopping everything")
                supervisor.shutdown()
                // Last, so the reason (with the service's last lines) is what stays on the screen.
                FileHandle.standardError.write(Data("devstack: \(error.message)\n".utf8))
                exit(1)
            }
        }
        startup.start()

        let signal = TerminationSignals.wait()
        console.note("\(signal == SIGINT ? "SIGINT" : "SIGTERM"): stopping every process (again to kill them at once)")
        let impatient = Thread {
            _ = TerminationSignals.wait()
            supervisor.killAll()
            exit(1)
        }
        impatient.start()
        supervisor.shutdown()
        _ = control.shutdown(gracePeriod: .seconds(2))
        console.note("stopped")
        exit(0)
    }

    private func bringUp(_ supervisor: Supervisor, _ console: Console) throws(Failure) {
        let deadline = ContinuousClock.now + invocation.readyTimeout
        if let postgres = plan.postgres, let server = supervisor.process(named: postgres.spec.name) {
            console.note("starting PostgreSQL on 127.0.0.1:\(postgres.spec.port), its data in \(postgres.server.dataDirectory.path)")
            do throws(LocalPostgreSQLError) {
                try postgres.server.initializeIfNeeded()
            } catch {
                throw .failed("\(error)")
            }
            try server.start()
            try awaitReady(server, until: deadline, supervisor)
            try prepareDatabases(postgres.server, postgres.databases, until: deadline, console)
        }
        if let broker = supervisor.processes.first(where: { $0.name == plan.broker?.name }) {
            console.note("starting the local Kafka broker (Tansu, in memory) on 127.0.0.1:\(broker.spec.port)")
            try broker.start()
            try awaitReady(broker, until: deadline, supervisor)
        }
        try createTopics(until: deadline, console)
        let infrastructure = Set(plan.infrastructure.map(\.name))
        let children = supervisor.processes.filter { !infrastructure.contains($0.name) && $0.spec.startsWithStack }
        console.note("starting \(children.map(\.name).joined(separator: ", "))")
        for child in children { try child.start() }
        for child in children { try awaitReady(child, until: deadline, supervisor) }
        var token: String?
        if DevelopmentToken.isWanted(plan.gateway.environment) {
            switch DevelopmentToken.mint(gateway: plan.gateway) {
            case .success(let minted): token = minted
            case .failure(let failure): console.note(failure.message)
            }
        }
        console.print(banner(token: token))
    }

    private func awaitReady(_ process: ManagedProcess, until deadline: ContinuousClock.Instant,
                            _ supervisor: Supervisor) throws(Failure) {
        let failed = { supervisor.processes.first { $0.failure != nil } }
        guard Readiness.wait(for: process, until: deadline, giveUp: { supervisor.isShuttingDown || failed() != nil }) else {
            if supervisor.isShuttingDown { throw .failed("shutting down") }
            if let failed = failed() { throw cannotRun(failed) }
            throw .failed("\(process.name) was not ready within \(invocation.readyTimeout) (\(process.status.state))\nits last lines:\n\(tail(process))")
        }
    }

    /// Once up: a process that cannot run any more (its configuration is invalid, its executable
    /// gone) stops everything, rather than leaving a system that says it is up with a part missing.
    private func watchForFailures(_ supervisor: Supervisor) throws(Failure) {
        while !supervisor.isShuttingDown {
            if let failed = supervisor.processes.first(where: { $0.failure != nil }) { throw cannotRun(failed) }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    private func cannotRun(_ process: ManagedProcess) -> Failure {
        // Its last line (the reason) may still be on its way through the pipe.
        let deadline = ContinuousClock.now + .seconds(1)
        while process.output.isReading && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return .failed("\(process.name) cannot run: \(process.failure ?? "?")\nits last lines:\n\(tail(process))")
    }

    private func tail(_ process: ManagedProcess) -> String {
        process.output.tail.map { "  \($0)" }.joined(separator: "\n")
    }

    /// The services create their topics too, but a consumer that subscribes before its topic
    /// exists waits for the next metadata refresh; creating them first saves that wait.
    private func createTopics(until deadline: ContinuousClock.Instant, _ console: Console) throws(Failure) {
        if let mock = plan.mockBrokers {
            try mock.createTopics(plan.topics)
            console.note("topics ready on librdkafka's mock cluster (\(MockBrokers.count) brokers) at \(plan.kafkaBootstrapServers): \(plan.topics.joined(separator: ", "))")
            return
        }
        var lastError = ""
        while ContinuousClock.now < deadline {
            do {
                // librdkafka would log every refused connection on stderr; the last error is reported below.
                let admin = try Admin(properties: ["bootstrap.servers": plan.kafkaBootstrapServers, "log_level": "2"])
                try admin.createTopics(plan.topics, settings: TopicSettings(), timeout: .seconds(10))
                console.note("topics ready on \(plan.kafkaBootstrapServers): \(plan.topics.joined(separator: ", "))")
                return
            } catch {
                lastError = error.message
                Thread.sleep(forTimeInterval: 1)
            }
        }
        throw .failed("cannot create topics on \(plan.kafkaBootstrapServers): \(lastError)")
    }

    /// A database per service. With devstack's own broker, whose log is new, they start empty:
    /// their inbox and outbox would refer to a log that is gone.
    private func prepareDatabases(_ server: LocalPostgreSQL, _ names: [String], until deadline: ContinuousClock.Instant,
                                  _ console: Console) throws(Failure) {
        var lastError = ""
        while ContinuousClock.now < deadline {
            do throws(LocalPostgreSQLError) {
                for name in names {
                    if plan.brokerIsNew { try server.dropDatabase(name) }
                    try server.createDatabase(name)
                }
                console.note("databases ready: \(names.joined(separator: ", "))")
                return
            } catch {
                // Listening comes a moment before accepting logins ("the database system is starting up").
                lastError = error.description
                Thread.sleep(forTimeInterval: 0.5)
            }
        }
        throw .failed("cannot create the services' databases: \(lastError)")
    }

    private func checkPortsFree() throws(Failure) {
        let ports = plan.all.map { ($0.name, $0.port) } + [("devstack control", plan.controlPort)]
        for (name, port) in ports where !Readiness.isFree(port: port) {
            throw .failed("port \(port) (\(name)) on 127.0.0.1 is in use: is another devstack running (\(Devstack.command) status)? Otherwise choose other ports with --port-base")
        }
    }

    private func prepareStateDirectory() throws(Failure) {
        do {
            try FileManager.default.createDirectory(at: plan.stateDirectory, withIntermediateDirectories: true)
            // Only the files devstack itself put there: --state-dir may name any folder.
            if plan.brokerIsNew {
                for file in plan.databaseFiles where FileManager.default.fileExists(atPath: file.path) {
                    try FileManager.default.removeItem(at: file)
                }
            }
        } catch {
            throw .failed("cannot prepare the state directory \(plan.stateDirectory.path): \(error)")
        }
        if let secret = plan.developmentSecret { try DevelopmentToken.writeSecret(to: secret) }
    }

    private func banner(token: String?) -> String {
        let gateway = plan.gateway.port
        // The control commands only find this devstack if they are told its ports too.
        let portOption = invocation.controlPort.map { " --control-port \($0)" }
            ?? (invocation.portBase == SystemManifest.portBase ? "" : " --port-base \(invocation.portBase)")
        let example = plan.system[plan.system.exampleContext].executable
        var rows: [(String, String)] = [("gateway", "http://127.0.0.1:\(gateway)  (\(plan.system.contexts.flatMap(\.routes).joined(separator: ", ")))")]
        for service in plan.services {
            rows.append((service.name, "http://127.0.0.1:\(service.port)" + (service.startsWithStack ? "" : "  (spare, for rollout)")))
        }
        let brokerKind = plan.mockBrokers != nil ? "librdkafka's mock cluster, \(MockBrokers.count) brokers, in memory"
            : plan.broker != nil ? "local Tansu, in memory" : "KAFKA_BOOTSTRAP_SERVERS"
        rows.append(("console", "http://127.0.0.1:\(plan.webConsole.port)  (the map, the events, a saga: open it in a browser)"))
        rows.append(("kafka", "\(plan.kafkaBootstrapServers)  (\(brokerKind))"))
        if let postgres = plan.postgres {
            rows.append(("postgres", "postgres://postgres@127.0.0.1:\(postgres.spec.port)  (a database per service)"))
        }
        rows.append(("state", plan.stateDirectory.path))
        if let token {
            rows.append(("token", "\(token)\n    (\(DevelopmentToken.subject), \(DevelopmentToken.lifetime / 3600) h, for \(plan.gateway.environment["PROTECTED_ROUTES"]!): "
                         + "send it as Authorization:\"Bearer …\")"))
        }
        let width = rows.map(\.0.count).max() ?? 0
        let commands = plan.system.examples.map { $0.replacingOccurrences(of: "{gateway}", with: "\(gateway)") }
            + ["status", "stop \(example)", "start \(example)", "rollout \(plan.system.exampleContext)"].map { "\(Devstack.command) \($0)\(portOption)" }
        return """

            \(plan.system.name) is up (Ctrl-C stops everything):
            \(rows.map { "  " + $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n"))
            Try:
            \(commands.map { "  " + $0 }.joined(separator: "\n"))

            """
    }
}
