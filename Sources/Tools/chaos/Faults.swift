import Foundation

/// Faults at seeded random moments: a service or the gateway killed (devstack restarts it), a
/// service frozen for a few seconds (a long pause, a hung process), the broker frozen (it
/// answers nothing, then everything it held, as after a network partition; the local broker keeps
/// its log in memory, so it is paused rather than restarted, which would lose what it held).
final class Faults: @unchecked Sendable {
    enum Kind: String, CaseIterable { case kill, pause, brokerPause = "broker-pause" }

    private let stack: Stack
    private var random: SeededRandom
    private let lock = NSLock()
    private var counts: [Kind: Int] = [:]
    /// Frozen pids, resumed however the run ends.
    private var frozen: Set<Int32> = []

    init(stack: Stack, seed: UInt64) {
        self.stack = stack
        random = SeededRandom(seed: seed)
    }

    var injected: [Kind: Int] { lock.withLock { counts } }

    /// Injects one fault, blocking while a pause lasts; returns what it did, for the log.
    func injectOne() throws -> String {
        let processes = try stack.processes()
        let (kind, pause, pick) = lock.withLock {
            (Kind.allCases[Int(random.next() % 3)], 2 + Double(random.next() % 4), random.next())
        }
        let candidates = processes.filter { kind == .brokerPause ? $0.isBroker : (kind == .kill ? !$0.isBroker : $0.isService) }
        guard !candidates.isEmpty else { return "no process to fault" }
        let target = candidates[Int(pick % UInt64(candidates.count))]
        lock.withLock { counts[kind, default: 0] += 1 }
        switch kind {
        case .kill:
            kill(target.pid, SIGKILL)
            return "killed \(target.name) (pid \(target.pid))"
        case .pause, .brokerPause:
            lock.withLock { _ = frozen.insert(target.pid) }
            kill(target.pid, SIGSTOP)
            Thread.sleep(forTimeInterval: pause)
            kill(target.pid, SIGCONT)
            lock.withLock { _ = frozen.remove(target.pid) }
            return "froze \(target.name) (pid \(target.pid)) for \(Int(pause)) s"
        }
    }

    /// Whatever is still frozen goes on.
    func resumeAll() {
        lock.withLock { frozen.forEach { kill($0, SIGCONT) }; frozen.removeAll() }
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
