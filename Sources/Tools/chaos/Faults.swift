import Foundation
import Storage

/// Faults at seeded random moments: a service, the gateway or PostgreSQL killed (devstack
/// restarts it), a service frozen for a few seconds (a long pause, a hung process), the broker
/// frozen (it answers nothing, then everything it held, as after a network partition; the local
/// broker keeps its log in memory, so it is paused rather than restarted, which would lose what
/// it held), one broker of devstack's mock cluster stopped for a few seconds (the partitions it
/// leads and the groups it coordinates unreachable while the others go on), or a service's
/// database held busy by another writer for a few seconds (its requests wait, some get 503s, its
/// consumer retries, nothing may be lost or done twice). A kind the stack cannot have (a leader
/// with Tansu, the broker frozen with the mock cluster, which lives in devstack's process) is not
/// drawn.
final class Faults: @unchecked Sendable {
    enum Kind: String, CaseIterable {
        case kill, pause, brokerPause = "broker-pause", leaderDown = "leader-down", databaseBusy = "database-busy"
    }

    private let stack: Stack
    /// What may be drawn: the kinds asked for that this stack can have.
    let kinds: [Kind]
    private let databases: ServiceDatabases
    /// The services with a database of their own name (not a context's second replica).
    private let servicesWithDatabase: Set<String>
    private var random: SeededRandom
    private let lock = NSLock()
    private var counts: [Kind: Int] = [:]
    /// Frozen pids and stopped brokers, resumed however the run ends; once it is ending
    /// (`resumeAll`), nothing more is frozen or stopped. Each is frozen or stopped under `lock`,
    /// so `resumeAll` cannot come between its record and its signal.
    private var frozen: Set<Int32> = []
    private var stoppedBrokers: Set<Int> = []
    private var ending = false

    init(stack: Stack, kinds: [Kind], stateDirectory: URL, seed: UInt64) throws {
        self.stack = stack
        let processes = try stack.processes(), brokers = try stack.stoppableBrokers()
        let databases = ServiceDatabases(stateDirectory: stateDirectory)
        let withDatabase = try Set(processes.filter { try $0.isService && databases.exists(for: $0, among: processes) }.map(\.name))
        self.kinds = kinds.filter { kind in
            switch kind {
            case .brokerPause: processes.contains(where: \.isBroker)
            case .leaderDown: !brokers.isEmpty
            case .databaseBusy: !withDatabase.isEmpty
            case .kill, .pause: true
            }
        }
        guard !self.kinds.isEmpty else {
            throw ChaosError("none of the faults asked for (\(kinds.map(\.rawValue).joined(separator: ", "))) can happen on this stack")
        }
        self.databases = databases
        servicesWithDatabase = withDatabase
        random = SeededRandom(seed: seed)
    }

    /// Faults that took effect, by kind.
    var injected: [Kind: Int] { lock.withLock { counts } }

    private func count(_ kind: Kind) { lock.withLock { counts[kind, default: 0] += 1 } }

    /// Injects one fault, blocking while a pause lasts; returns what it did, for the log.
    func injectOne() throws -> String {
        let (kind, pause, pick) = lock.withLock {
            (kinds[Int(random.next() % UInt64(kinds.count))], 2 + Double(random.next() % 4), random.next())
        }
        guard kind != .leaderDown else { return try stopBroker(for: pause, pick: pick) }
        let processes = try stack.processes()
        let candidates = processes.filter {
            switch kind {
            case .kill: !$0.isBroker
            case .pause: $0.isService
            case .databaseBusy: servicesWithDatabase.contains($0.name)
            case .brokerPause: $0.isBroker
            case .leaderDown: false
            }
        }
        guard !candidates.isEmpty else { return "no process to fault (\(kind.rawValue))" }
        let target = candidates[Int(pick % UInt64(candidates.count))]
        switch kind {
        case .kill:
            kill(target.pid, SIGKILL)
            count(kind)
            return "killed \(target.name) (pid \(target.pid))"
        case .pause, .brokerPause:
            guard lock.withLock({ () -> Bool in
                guard !ending else { return false }
                frozen.insert(target.pid)
                kill(target.pid, SIGSTOP)
                counts[kind, default: 0] += 1
                return true
            }) else { return "ending: nothing frozen" }
            Thread.sleep(forTimeInterval: pause)
            lock.withLock {
                if frozen.remove(target.pid) != nil { kill(target.pid, SIGCONT) }
            }
            return "froze \(target.name) (pid \(target.pid)) for \(Int(pause)) s"
        case .databaseBusy:
            // 5 to 8 s: longer than the services' 5 s busy timeout and pool wait.
            let database = try databases.open(target, among: processes)
            defer { database.close() }
            try databases.hold(database, for: pause + 3) { self.count(kind) }
            return "held \(target.name)'s database busy for \(Int(pause + 3)) s"
        case .leaderDown:
            preconditionFailure("a broker is not a process")
        }
    }

    private func stopBroker(for pause: Double, pick: UInt64) throws -> String {
        let brokers = try stack.stoppableBrokers()
        guard !brokers.isEmpty else { return "no broker to stop" }
        let broker = brokers[Int(pick % UInt64(brokers.count))]
        let stopped = try lock.withLock { () throws -> Bool in
            guard !ending else { return false }
            try stack.broker(broker.id, "stop")
            stoppedBrokers.insert(broker.id)
            counts[.leaderDown, default: 0] += 1
            return true
        }
        guard stopped else { return "ending: no broker stopped" }
        Thread.sleep(forTimeInterval: pause)
        // Left in stoppedBrokers when this fails: resumeAll tries again.
        try lock.withLock {
            guard stoppedBrokers.contains(broker.id) else { return }
            try stack.broker(broker.id, "start")
            stoppedBrokers.remove(broker.id)
        }
        return "stopped broker \(broker.id), leader of partition \(broker.leads.map(String.init).joined(separator: ", ")) of every topic, for \(Int(pause)) s"
    }

    /// Whatever is still frozen or stopped goes on, and nothing more is; a broker that cannot be
    /// started is reported.
    func resumeAll() {
        lock.withLock {
            ending = true
            frozen.forEach { kill($0, SIGCONT) }
            frozen.removeAll()
            for id in stoppedBrokers {
                do {
                    try stack.broker(id, "start")
                } catch {
                    FileHandle.standardError.write(Data("chaos: broker \(id) is still stopped (\(error)): POST \(stack.control)/brokers/\(id)/start\n".utf8))
                }
            }
            stoppedBrokers.removeAll()
        }
    }
}

/// SplitMix64: the same seed, the same run of choices.
struct SeededRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
