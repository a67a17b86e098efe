import Foundation
import HTTP
import Testing
import TestSupport

@Suite("devstack up", .serialized)
struct UpTests {
    @Test("up runs the system behind its gateway on a given broker; SIGINT stops every process and exits 0")
    func externalBroker() throws {
        let broker = try TestBroker()
        let stack = try DevstackProcess(broker: broker, environment: ["DEVSTACK_COMMAND": "scripts/devstack"])
        try stack.waitUntilUp()

        let status = try stack.status()
        #expect(status.keys.sorted() == ["console", "demo-ledger", "gateway"], "no broker of its own: \(status)")
        #expect(status["console"]?.port == stack.portBase + 10 && status["console"]?.state == "running")
        #expect(status["demo-ledger"]?.port == stack.portBase + 1 && status["demo-ledger"]?.state == "running")
        #expect(status["gateway"]?.port == stack.portBase + 8 && status["gateway"]?.state == "running")
        #expect(status.values.allSatisfy { $0.pid != nil })

        let created = try stack.gateway("POST", "/entries", json: ["account": "alice", "amount": 10])
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(created.jsonObject["id"] as? Int)
        try eventually("entry \(id) took effect through Kafka") { try stack.effectEntryIDs().contains(id) }

        let log = stack.process.log
        // Aligned on the longest name: demo-ledger-2, the spare slot a rollout would start.
        #expect(log.contains("demo-ledger   | {"), "service lines are prefixed with its name")
        #expect(log.contains("gateway       | {"), "prefixes are aligned")
        #expect(!log.contains("\u{1B}["), "no colours when stdout is not a terminal")
        #expect(log.contains("http post :\(stack.portBase + 8)/entries"), "the banner's examples use the gateway's port")
        #expect(log.contains("  scripts/devstack status --port-base \(stack.portBase)\n"), "the hints are commands that work as shown:\n\(log)")

        let pids = stack.reportedPIDs
        let (exit, took) = stack.interrupt(SIGINT)
        #expect(exit == 0, "devstack exited \(exit.map(String.init) ?? "not at all") after \(took):\n\(stack.process.log)")
        #expect(pids.allSatisfy(isGone), "left running: \(pids.filter { !isGone($0) })")
        #expect(FileManager.default.fileExists(atPath: stack.directory.appendingPathComponent("state/demo-ledger.sqlite").path),
                "the state is kept with an external broker")
    }

    @Test("with PROTECTED_ROUTES, up makes the gateway a secret and prints a token that passes where none is refused")
    func developmentToken() throws {
        let broker = try TestBroker()
        let stack = try DevstackProcess(broker: broker, environment: ["PROTECTED_ROUTES": "/entries=entries:write"])
        try stack.waitUntilUp()
        let banner = try #require(stack.process.log.split(separator: "\n").first { $0.contains("token  ") }, "\(stack.process.log)")
        let token = try #require(banner.split(separator: " ").last.map(String.init))
        #expect(token.split(separator: ".").count == 3, "a JWT: \(banner)")
        #expect(stack.process.log.contains("(developer, 12 h, for /entries=entries:write"))

        #expect(try stack.gateway("POST", "/entries", json: ["account": "alice", "amount": 10]).status == 401)
        let created = try stack.gateway("POST", "/entries", json: ["account": "alice", "amount": 10], headers: ["Authorization": "Bearer \(token)"])
        #expect(created.status == 201, "\(created.text)")
        let secret = stack.directory.appendingPathComponent("state/jwt-secret").path
        let permissions = try FileManager.default.attributesOfItem(atPath: secret)[.posixPermissions] as? Int
        #expect(permissions == 0o600, "the secret is the user's alone")
        #expect(stack.interrupt(SIGINT).status == 0)
    }

    /// "Up" means works: the seed's own commands, run back to back by a script the moment
    /// devstack says so, succeed and the saga runs to its end.
    @Test("once devstack says ticketing is up, the seed's commands back to back succeed and the booking becomes issuable")
    func ticketingWorksWhenUp() throws {
        let broker = try TestBroker()
        let stack = try DevstackProcess(system: "ticketing", broker: broker)
        try stack.waitUntilUp()

        let show = try stack.gateway("POST", "/shows", json: ["showName": "showName1", "totalCount": 100, "remainCount": 100])
        #expect(show.status == 201, "\(show.text)")
        let booking = try stack.gateway("POST", "/bookings", json: ["showId": 1, "qty": 10, "amount": 30000, "showName": "showName1"])
        #expect(booking.status == 201, "\(booking.text)")
        try eventually("the dashboard shows booking 1 paid and issuable", timeout: .seconds(20)) {
            let view = try stack.gateway("GET", "/showStatuses/1")
            return view.status == 200 && view.jsonObject["issueStatus"] as? String == "Issuable"
        }
        #expect(stack.interrupt(SIGINT).status == 0)
    }

    @Test("without KAFKA_BOOTSTRAP_SERVERS, up starts its own Tansu, clears only its stale databases, and stops the broker last")
    func ownBroker() throws {
        let state = try ProjectPaths.temporaryDirectory("devstack-state")
        // Left from a run against an earlier broker: the new broker's log does not know its events.
        try Data("not a database".utf8).write(to: state.appendingPathComponent("demo-ledger.sqlite"))
        try Data("mine".utf8).write(to: state.appendingPathComponent("notes.txt"))
        let stack = try DevstackProcess(broker: nil, stateDirectory: state)
        try stack.waitUntilUp()

        let status = try stack.status()
        #expect(status.keys.sorted() == ["console", "demo-ledger", "gateway", "kafka"])
        #expect(status["kafka"]?.pid != nil && status["kafka"]?.state == "running")

        let created = try stack.gateway("POST", "/entries", json: ["account": "bob", "amount": 5])
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(created.jsonObject["id"] as? Int)
        #expect(id == 1, "the stale database was cleared")
        try eventually("entry \(id) took effect through devstack's own broker") { try stack.effectEntryIDs().contains(id) }

        let pids = stack.reportedPIDs
        let (exit, took) = stack.interrupt(SIGINT)
        #expect(exit == 0, "devstack exited \(exit.map(String.init) ?? "not at all") after \(took):\n\(stack.process.log)")
        #expect(took < .seconds(40))
        #expect(pids.allSatisfy(isGone), "left running: \(pids.filter { !isGone($0) })")
        let log = stack.process.log
        let ledgerStopped = try #require(log.range(of: "demo-ledger (pid"), "\(log)")
        let brokerStopped = try #require(log.range(of: "kafka (pid"), "\(log)")
        #expect(ledgerStopped.lowerBound < brokerStopped.lowerBound, "the broker stops last")
        #expect(log.contains("kafka (pid \(status["kafka"]!.pid!)) stopped: exit status 0"), "Tansu exits on SIGTERM:\n\(log)")
        #expect(FileManager.default.fileExists(atPath: state.appendingPathComponent("notes.txt").path))
    }

    @Test("a service that never gets ready makes up fail with its name and last lines, stop the rest and exit 1")
    func neverReady() throws {
        let broker = try TestBroker()
        // Tansu does not speak the new consumer group protocol (KIP-848): the ledger runs, but its
        // consumer never joins its group.
        let stack = try DevstackProcess(broker: broker, options: ["--ready-timeout", "5"],
                                        environment: ["KAFKA_CONSUMER_PROPERTIES": "group.protocol=consumer"])

        #expect(stack.process.waitForExit(timeout: .seconds(60)))
        #expect(stack.process.exitStatus == 1)
        let log = stack.process.log
        #expect(log.contains("devstack: demo-ledger was not ready within 5.0 seconds"), "\(log)")
        #expect(log.contains("\nits last lines:\n") && log.contains("ConsumerGroupHeartbeat"), "its last lines are shown:\n\(log)")
        let gatewayStopped = try #require(log.firstMatch(of: /gateway \(pid (\d+)\) stopped: exit status 0/), "\(log)")
        #expect(isGone(Int32(gatewayStopped.1)!))
    }

    @Test("a service that exits with status 2 (invalid configuration, an unreadable database) stops everything at once with its message")
    func invalidConfiguration() throws {
        let broker = try TestBroker()
        let state = try ProjectPaths.temporaryDirectory("devstack-state")
        // Kept, since the broker is not devstack's own: the ledger cannot open it and exits 2.
        try Data("not a database".utf8).write(to: state.appendingPathComponent("demo-ledger.sqlite"))
        let started = ContinuousClock.now
        let stack = try DevstackProcess(broker: broker, stateDirectory: state)

        #expect(stack.process.waitForExit(timeout: .seconds(60)))
        #expect(ContinuousClock.now - started < .seconds(20), "not after the 90 s ready timeout")
        #expect(stack.process.exitStatus == 1)
        let log = stack.process.log
        #expect(log.contains("devstack: demo-ledger cannot run: invalid configuration (exit status 2)"), "\(log)")
        #expect(log.contains("  error: SQLite error 26: file is not a database"), "its last lines are shown:\n\(log)")
        #expect(!log.contains("restarting"), "\(log)")
        let gatewayStopped = try #require(log.firstMatch(of: /gateway \(pid (\d+)\) stopped: exit status 0/), "\(log)")
        #expect(isGone(Int32(gatewayStopped.1)!))
    }
}
