import HTTP

/// What `devstack status|stop|start` talk to: a small HTTP API on 127.0.0.1 over the running
/// stack's supervisor.
///
///     GET  /processes              every child: name, pid, port, state, restarts
///     POST /processes/{name}/stop  SIGTERM (SIGKILL after 30 s); not restarted until start
///     POST /processes/{name}/start start it and wait until it is ready
///     POST /contexts/{name}/rollout replace its replicas one at a time (see `Supervisor.rollout`)
///     GET  /brokers                with `--broker mock`: each broker's id, state and partitions led (404 without)
///     POST /brokers/{id}/stop      cut a broker off: its partitions and groups are unreachable (409 while another is)
///     POST /brokers/{id}/start     let clients reach it again
enum ControlServer {
    static let readyTimeout = Duration.seconds(60)

    static func start(port: Int, supervisor: Supervisor, mockBrokers: MockBrokers?, console: Console) throws -> HTTPServer {
        let router = Router()
        router.add("GET", "/brokers") { _ in .json(try brokers(mockBrokers).status) }
        router.add("POST", "/brokers/{id}/stop") { request in
            let (brokers, id) = try broker(request, mockBrokers)
            try brokers.stop(id)
            console.note("stopped broker \(id) of the mock cluster: its partitions are unreachable")
            return .json(brokers.status)
        }
        router.add("POST", "/brokers/{id}/start") { request in
            let (brokers, id) = try broker(request, mockBrokers)
            try brokers.start(id)
            console.note("started broker \(id) of the mock cluster")
            return .json(brokers.status)
        }
        router.add("GET", "/processes") { _ in .json(supervisor.listed.map(\.status)) }
        router.add("POST", "/processes/{name}/stop") { request in
            let process = try find(request, in: supervisor)
            process.stop(grace: Supervisor.serviceGrace)
            return .json(process.status)
        }
        router.add("POST", "/processes/{name}/start") { request in
            let process = try find(request, in: supervisor)
            do throws(Failure) {
                try process.start()
            } catch {
                throw Problem(status: 409, detail: error.message)
            }
            guard Readiness.wait(for: process, until: .now + readyTimeout, giveUp: { supervisor.isShuttingDown }) else {
                let tail = process.output.tail.suffix(10).joined(separator: "\n")
                throw Problem(status: 503, detail: "\(process.name) did not become ready within \(readyTimeout); its last lines:\n\(tail)")
            }
            return .json(process.status)
        }
        router.add("POST", "/contexts/{name}/rollout") { request in
            do throws(Failure) {
                return .json(try supervisor.rollout(request.pathParameters["name"] ?? "", readyTimeout: readyTimeout, console: console))
            } catch {
                throw Problem(status: error.exitCode == 2 ? 404 : 409, detail: error.message)
            }
        }
        let server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: port),
                                handler: router.handle)
        _ = try server.start()
        return server
    }

    private static func brokers(_ mockBrokers: MockBrokers?) throws(Problem) -> MockBrokers {
        guard let mockBrokers else { throw Problem.notFound("brokers can be stopped only with `up --broker mock`") }
        return mockBrokers
    }

    private static func broker(_ request: HTTPRequest, _ mockBrokers: MockBrokers?) throws(Problem) -> (MockBrokers, Int32) {
        let brokers = try brokers(mockBrokers), text = request.pathParameters["id"] ?? ""
        guard let id = Int32(text) else { throw Problem.notFound("'\(text)' is not a broker id") }
        return (brokers, id)
    }

    private static func find(_ request: HTTPRequest, in supervisor: Supervisor) throws(Problem) -> ManagedProcess {
        let name = request.pathParameters["name"] ?? ""
        guard let process = supervisor.process(named: name) else {
            let known = supervisor.listed.map(\.name).joined(separator: ", ")
            throw Problem.notFound("unknown service '\(name)' (this devstack runs \(known))")
        }
        return process
    }
}
