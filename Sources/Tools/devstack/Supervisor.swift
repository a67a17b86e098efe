import Foundation
import Synchronization

/// Every child of one devstack run, and the order they stop in: services and gateway together,
/// the broker last, so services can still publish their outbox while they drain.
final class Supervisor: Sendable {
    /// Broker first.
    let processes: [ManagedProcess]
    private let broker: ManagedProcess?
    private let others: [ManagedProcess]
    private let closed = Atomic<Bool>(false)
    /// Held for the whole shutdown, so a second caller returns only once it is done.
    private let shutdownLock = Mutex(())

    static let serviceGrace = Duration.seconds(30)
    static let brokerGrace = Duration.seconds(10)

    init(plan: StackPlan, console: Console) {
        broker = plan.broker.map { ManagedProcess($0, console: console) }
        others = (plan.services + [plan.gateway]).map { ManagedProcess($0, console: console) }
        processes = (broker.map { [$0] } ?? []) + others
    }

    func process(named name: String) -> ManagedProcess? {
        processes.first { $0.name == name }
    }

    var isShuttingDown: Bool { closed.load(ordering: .acquiring) }

    /// SIGTERM to every service and the gateway, SIGKILL to those still running after 30 s;
    /// then the same for the broker with 10 s. Returns once every child is gone.
    func shutdown() {
        shutdownLock.withLock { _ in
            guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
            stop(others, grace: Self.serviceGrace)
            stop(broker.map { [$0] } ?? [], grace: Self.brokerGrace)
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

    private func stop(_ group: [ManagedProcess], grace: Duration) {
        group.forEach { $0.terminate(closing: true) }
        let deadline = ContinuousClock.now + grace
        let late = group.filter { !$0.waitUntilExited(until: deadline) }
        late.forEach { $0.signal(SIGKILL) }
        late.forEach { _ = $0.waitUntilExited(until: .now + .seconds(5)) }
    }
}
