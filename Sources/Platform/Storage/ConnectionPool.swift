import Foundation

/// At most `size` connections, opened when first needed and lent to one transaction at a time.
/// A caller that finds them all lent waits up to `waitLimit` (forever when nil), then fails with
/// `.unavailable`. Waiters are served in the order they came: a connection given back goes
/// straight to the first waiter, so a thread that gives one back and asks again at once (a
/// consumer going from event to event) does not starve the others (requests, the relay), and
/// only that waiter wakes. A connection that is no longer usable (the server restarted) is
/// closed when returned, and the borrower it goes to opens a fresh one.
/// `@unchecked Sendable`: `state` is only touched with `lock` held. A pthread mutex, because
/// `Synchronization.Mutex` spins and takes a priority-inheritance futex, which costs far more
/// when a dozen request threads on two cores take turns at the pool.
final class ConnectionPool: @unchecked Sendable {
    let size: Int
    private let waitLimit: Duration?
    private let open: @Sendable () throws(DatabaseError) -> any EngineConnection
    private let lock = NSLock()
    private var state = State()

    private struct State {
        var idle: [SendableConnection] = []
        /// Connections lent out or being opened: the slots taken.
        var lent = 0
        /// First come, first served.
        var waiters: [Waiter] = []
        var closed = false
    }

    /// What a waiter is handed.
    private enum Grant {
        /// A slot, with an idle connection or none (the waiter opens one).
        case slot(SendableConnection?)
        case closed
    }

    /// A borrower waiting for a slot. `grant` is set under the pool's lock, then `wake` signalled.
    private final class Waiter: @unchecked Sendable {
        let wake = DispatchSemaphore(value: 0)
        var grant: Grant?
    }

    init(size: Int, waitLimit: Duration?, open: @escaping @Sendable () throws(DatabaseError) -> any EngineConnection) {
        precondition(size > 0, "a pool needs at least one connection")
        self.size = size
        self.waitLimit = waitLimit
        self.open = open
    }

    /// Takes a connection opened beforehand (so that a bad path or URL fails at once) as an idle
    /// one: lent like the others, and closed with them.
    func adopt(_ engine: any EngineConnection) {
        locked { $0.idle.append(SendableConnection(Connection(engine: engine))) }
    }

    func withConnection<T>(_ body: (Connection) throws -> T) throws -> T {
        let connection = try borrow()
        defer { giveBack(connection) }
        return try body(connection)
    }

    /// Closes the idle connections now and the lent ones when they come back; later borrowers fail.
    func close() {
        let (closing, waiters) = locked { state in
            state.closed = true
            defer { state.idle.removeAll(); state.waiters.removeAll() }
            state.waiters.forEach { $0.grant = .closed }
            return (state.idle, state.waiters)
        }
        waiters.forEach { $0.wake.signal() }
        closing.forEach { $0.connection.engine.close() }
    }

    private func locked<T>(_ body: (inout State) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&state)
    }

    private func borrow() throws(DatabaseError) -> Connection {
        enum Turn { case now(Grant), wait(Waiter) }
        let turn: Turn = locked { state in
            if state.closed { return .now(.closed) }
            if state.waiters.isEmpty && (!state.idle.isEmpty || state.lent < size) {
                state.lent += 1
                return .now(.slot(state.idle.popLast()))
            }
            let waiter = Waiter()
            state.waiters.append(waiter)
            return .wait(waiter)
        }
        let grant: Grant
        switch turn {
        case .now(let now): grant = now
        case .wait(let waiter): grant = try awaitGrant(waiter)
        }
        switch grant {
        case .closed:
            throw DatabaseError.misuse("the database is closed")
        case .slot(let idle?):
            return idle.connection
        case .slot(nil):
            do {
                return Connection(engine: try open())
            } catch {
                releaseSlot(nil)
                throw error
            }
        }
    }

    private func awaitGrant(_ waiter: Waiter) throws(DatabaseError) -> Grant {
        guard let waitLimit else {
            waiter.wake.wait()
            return waiter.grant!
        }
        let (seconds, attoseconds) = waitLimit.components
        let timeout = DispatchTime.now() + .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
        if waiter.wake.wait(timeout: timeout) == .success { return waiter.grant! }
        // Timed out, but a slot may have been handed over meanwhile: take it rather than lose it.
        let late: Grant? = locked { state in
            if let grant = waiter.grant { return grant }
            state.waiters.removeAll { $0 === waiter }
            return nil
        }
        guard let late else {
            throw DatabaseError(.unavailable, engine: "Storage", code: DatabaseError.poolExhaustedCode,
                                message: "all \(size) database connections stayed busy for \(waitLimit)")
        }
        return late
    }

    private func giveBack(_ connection: Connection) {
        let usable = connection.engine.isUsable
        releaseSlot(usable ? SendableConnection(connection) : nil)
        if !usable { connection.engine.close() }
    }

    /// Hands a slot (with `connection`, or none to open) to the first waiter, or frees it.
    private func releaseSlot(_ connection: SendableConnection?) {
        let (waiter, leftOver): (Waiter?, SendableConnection?) = locked { state in
            if !state.waiters.isEmpty && !state.closed {
                let waiter = state.waiters.removeFirst()
                waiter.grant = .slot(connection)
                return (waiter, nil)
            }
            state.lent -= 1
            guard let connection else { return (nil, nil) }
            if state.closed { return (nil, connection) }
            state.idle.append(connection)
            return (nil, nil)
        }
        waiter?.wake.signal()
        leftOver?.connection.engine.close()
    }
}

/// A connection only the pool touches while it is idle or being handed over, under its lock.
private struct SendableConnection: @unchecked Sendable {
    let connection: Connection
    init(_ connection: Connection) { self.connection = connection }
}
