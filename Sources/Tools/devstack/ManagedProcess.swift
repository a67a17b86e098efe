import Foundation
import Processes
import Synchronization

/// One child of devstack, by pid only. It is restarted when it exits without being asked (1 s
/// backoff, doubling to 10 s, back to 1 s once a run lasted 10 s), and left stopped when asked.
/// Exit status 2 says its configuration is invalid: restarting cannot help, so it is left failed.
final class ManagedProcess: Sendable {
    struct Status: Codable, Sendable {
        let name: String
        let pid: Int32?
        let port: Int
        /// running, stopping, stopped, restarting or failed.
        let state: String
        let restarts: Int
    }

    private struct State {
        var pid: pid_t?
        /// Should be running: false until started, and after a stop on request.
        var wanted = false
        /// devstack is shutting down: nothing starts again.
        var closed = false
        var restarts = 0
        var backoff = ManagedProcess.firstBackoff
        var startedAt = ContinuousClock.now
        /// Why it is not restarted: its executable could not be spawned, or it said its
        /// configuration is invalid.
        var failure: String?
        /// A replica slot kept free for a rollout: not started yet, or retired by one.
        var spare = false
    }

    static let firstBackoff = Duration.seconds(1)
    static let maxBackoff = Duration.seconds(10)
    /// Serializes pipe creation and spawning, so no child inherits another child's pipe in the
    /// moment before it is marked close-on-exec.
    private static let spawnLock = Mutex(())

    let spec: ProcessSpec
    let output: LogPump
    private let console: Console
    private let state = Mutex(State())

    init(_ spec: ProcessSpec, console: Console) {
        self.spec = spec
        self.console = console
        output = LogPump(name: spec.name, console: console)
        state.withLock { $0.spare = !spec.startsWithStack }
    }

    var name: String { spec.name }
    /// Why it should run but cannot, and will not be restarted.
    var failure: String? { state.withLock { $0.wanted ? $0.failure : nil } }
    var pid: pid_t? { state.withLock { $0.pid } }
    /// Started and not asked to stop since: running, or to be restarted.
    var isWanted: Bool { state.withLock { $0.wanted } }
    /// A free replica slot (see `State.spare`): `status` does not list it.
    var isSpare: Bool { state.withLock { $0.spare } }

    var status: Status {
        state.withLock { s in
            let phase = switch (s.pid, s.wanted) {
            case (.some, true): "running"
            case (.some, false): "stopping"
            case (nil, false): "stopped"
            case (nil, true): s.failure == nil ? "restarting" : "failed"
            }
            return Status(name: spec.name, pid: s.pid, port: spec.port, state: phase, restarts: s.restarts)
        }
    }

    /// Starts the process unless it runs already; from now on it is restarted when it exits.
    func start() throws(Failure) {
        try state.withLock { (s: inout State) throws(Failure) in
            guard !s.closed else { throw .failed("devstack is shutting down") }
            s.wanted = true
            s.spare = false
            s.backoff = Self.firstBackoff
            if s.pid == nil { try launch(&s) }
        }
    }

    /// SIGTERM, then SIGKILL if it has not exited within `grace`; it stays stopped until `start`.
    func stop(grace: Duration) {
        terminate(closing: false)
        if !waitUntilExited(until: .now + grace) {
            signal(SIGKILL)
            _ = waitUntilExited(until: .now + .seconds(5))
        }
    }

    /// `stop`, and its slot is free for the next rollout.
    func retire(grace: Duration) {
        stop(grace: grace)
        state.withLock { $0.spare = true }
    }

    /// Asks the process to exit (SIGTERM) and not to come back; with `closing`, not even on `start`.
    func terminate(closing: Bool) {
        state.withLock { s in
            s.wanted = false
            if closing { s.closed = true }
        }
        signal(SIGTERM)
    }

    /// Signals the process if it runs. Under the lock the pid cannot have been reaped yet (see
    /// `watch`), so the signal cannot reach an unrelated process that got the same pid.
    func signal(_ signal: Int32) {
        state.withLock { s in
            if let pid = s.pid { kill(pid, signal) }
        }
    }

    /// True once no run of the process is left, false at `deadline`.
    func waitUntilExited(until deadline: ContinuousClock.Instant) -> Bool {
        while pid != nil {
            guard ContinuousClock.now < deadline else { return false }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return true
    }

    /// Called with the lock held.
    private func launch(_ s: inout State) throws(Failure) {
        let pid = try Self.spawnLock.withLock { _ throws(Failure) -> pid_t in
            var fds: [Int32] = [0, 0]
            guard pipe(&fds) == 0 else { throw .failed("cannot make a pipe for \(spec.name): \(String(cString: strerror(errno)))") }
            _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
            defer { close(fds[1]) }
            do {
                // Its own process group: a Ctrl-C in devstack's terminal reaches devstack alone,
                // which then stops the children in order, the broker last.
                let pid = try Spawn.start(spec.executable, arguments: spec.arguments, environment: spec.environment,
                                          stdout: fds[1], stderr: fds[1], ownProcessGroup: true)
                output.start(reading: fds[0])
                return pid
            } catch {
                close(fds[0])
                throw .failed("\(error)")
            }
        }
        s.pid = pid
        s.startedAt = .now
        s.failure = nil
        let watcher = Thread { [self] in watch(pid) }
        watcher.name = "watch-\(spec.name)"
        watcher.start()
    }

    /// Waits for the process to exit and restarts it if nobody asked it to stop.
    private func watch(_ pid: pid_t) {
        // Wait without reaping, so the pid stays ours until `state` says it is gone.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
        let (exit, delay) = state.withLock { s -> (ExitStatus, Duration?) in
            var raw: Int32 = 0
            waitpid(pid, &raw, 0)
            s.pid = nil
            let exit = ExitStatus(waitStatus: raw)
            guard s.wanted && !s.closed else { return (exit, nil) }
            if exit == .exited(2) {
                s.failure = "invalid configuration (\(exit))"
                return (exit, nil)
            }
            if s.startedAt.duration(to: .now) >= Self.maxBackoff { s.backoff = Self.firstBackoff }
            let delay = s.backoff
            s.backoff = min(s.backoff * 2, Self.maxBackoff)
            s.restarts += 1
            return (exit, delay)
        }
        guard let delay else {
            console.note("\(spec.name) (pid \(pid)) stopped: \(exit)")
            return
        }
        console.note("\(spec.name) (pid \(pid)) exited unexpectedly (\(exit)); restarting in \(delay.components.seconds) s")
        let restartAt = ContinuousClock.now + delay
        // Short naps, so a stop or shutdown during the backoff is heard at once.
        while ContinuousClock.now < restartAt && state.withLock({ $0.wanted && !$0.closed }) {
            Thread.sleep(forTimeInterval: 0.05)
        }
        state.withLock { s in
            guard s.wanted && !s.closed && s.pid == nil else { return }
            do throws(Failure) {
                try launch(&s)
                console.note("\(spec.name) restarted (pid \(s.pid ?? 0))")
            } catch {
                s.failure = error.message
                console.note("\(spec.name) cannot be restarted: \(error.message)")
            }
        }
    }
}
