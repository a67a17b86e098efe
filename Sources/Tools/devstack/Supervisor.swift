import Foundation
import Synchronization

/// Every child of one devstack run, and the order they stop in: services and gateway together,
/// then the broker, then the database server, so services can still publish their outbox and
/// commit while they drain.
final class Supervisor: Sendable {
    /// Infrastructure first (the database server, then the broker).
    let processes: [ManagedProcess]
    private let infrastructure: [ManagedProcess]
    private let others: [ManagedProcess]
    private let system: String
    private let closed = Atomic<Bool>(false)
    /// Held for the whole shutdown, so a second caller returns only once it is done.
    private let shutdownLock = Mutex(())
    /// One rollout at a time.
    private let rolloutLock = Mutex(())

    static let serviceGrace = Duration.seconds(30)
    static let infrastructureGrace = Duration.seconds(10)

    init(plan: StackPlan, console: Console) {
        infrastructure = plan.infrastructure.map { ManagedProcess($0, console: console) }
        others = (plan.services + [plan.gateway, plan.webConsole]).map { ManagedProcess($0, console: console) }
        processes = infrastructure + others
        system = plan.system.name
    }

    func process(named name: String) -> ManagedProcess? {
        processes.first { $0.name == name }
    }

    /// What `status` lists: every process but the free replica slots.
    var listed: [ManagedProcess] { processes.filter { !$0.isSpare } }

    var isShuttingDown: Bool { closed.load(ordering: .acquiring) }

    /// SIGTERM to every service and the gateway, SIGKILL to those still running after 30 s;
    /// then the same for the broker and last the database server, with 10 s each. Returns once
    /// every child is gone.
    func shutdown() {
        shutdownLock.withLock { _ in
            guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
            stop(others, grace: Self.serviceGrace)
            for process in infrastructure.reversed() { stop([process], grace: Self.infrastructureGrace) }
            // Let the last lines the children wrote reach the terminal.
            let deadline = ContinuousClock.now + .seconds(2)
            while processes.contains(where: { $0.output.isReading }) && ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
    }

    /// A second Ctrl-C: no more waiting.
    func killAll() {
        processes.forEach { $0.signal(SIGKILL) }
    }

    /// Replaces the running replicas of `context` (its name, `show`, or its service's,
    /// `ticketing-show`) one at a time, as a rolling update with one surge and none unavailable:
    /// a new replica in a spare slot, ready (its /readyz, its consumer joined), and only then
    /// SIGTERM to an old one, which drains and leaves its group; its slot is the next spare.
    /// Returns what it did, a line per step; a new replica that does not get ready stops it,
    /// with the old one still serving.
    func rollout(_ context: String, readyTimeout: Duration, console: Console) throws(Failure) -> [String] {
        let slots = others.filter { $0.spec.context.map { [$0, "\(system)-\($0)"].contains(context) } ?? false }
        guard !slots.isEmpty else {
            let known = Set(others.compactMap(\.spec.context)).sorted().joined(separator: ", ")
            throw .unknown("unknown context '\(context)' (this devstack runs \(known))")
        }
        return try rolloutLock.withLock { _ throws(Failure) -> [String] in
            var steps: [String] = []
            for old in slots.filter(\.isWanted) {
                guard let new = slots.first(where: { $0.isSpare && $0.pid == nil }) else {
                    throw .failed("no spare slot for \(context) (one is stopping still?); nothing more replaced")
                }
                console.note("rollout: starting \(new.name) to replace \(old.name)")
                try new.start()
                guard Readiness.wait(for: new, until: .now + readyTimeout, giveUp: { isShuttingDown }) else {
                    new.retire(grace: Self.serviceGrace)
                    throw .failed("\(new.name) was not ready within \(readyTimeout); \(old.name) keeps serving; rollout stopped after: \(steps)")
                }
                old.retire(grace: Self.serviceGrace)
                steps.append("\(new.name) ready on \(new.spec.port), \(old.name) stopped")
                console.note("rollout: \(steps.last!)")
            }
            return steps
        }
    }

    private func stop(_ group: [ManagedProcess], grace: Duration) {
        group.forEach { $0.terminate(closing: true) }
        let deadline = ContinuousClock.now + grace
        let late = group.filter { !$0.waitUntilExited(until: deadline) }
        late.forEach { $0.signal(SIGKILL) }
        late.forEach { _ = $0.waitUntilExited(until: .now + .seconds(5)) }
    }
}
