import Foundation

/// At most `size` connections, opened when first needed and lent to one transaction at a time.
/// A caller that finds them all lent waits up to `waitLimit` (forever when nil), then fails with
/// `.unavailable`. Waiters are served in the order they came: a thread that gives a connection
/// back and asks again at once (a consumer going from event to event) does not starve the
/// others (requests, the relay). A connection that is no longer usable (the server restarted) is closed when
/// returned, and the next borrower opens a fresh one.
final class ConnectionPool: @unchecked Sendable {
    let size: Int
    private let waitLimit: Duration?
    private let open: @Sendable () throws(DatabaseError) -> any EngineConnection
    /// Guards everything below.
    private let condition = NSCondition()
    private var idle: [Connection] = []
    private var lent = 0
    /// Borrowers waiting, by ticket, first come first.
    private var queue: [Int] = []
    private var nextTicket = 0
    private var closed = false

    init(size: Int, waitLimit: Duration?, open: @escaping @Sendable () throws(DatabaseError) -> any EngineConnection) {
        precondition(size > 0, "a pool needs at least one connection")
        self.size = size
        self.waitLimit = waitLimit
        self.open = open
    }

    func withConnection<T>(_ body: (Connection) throws -> T) throws -> T {
        let connection = try borrow()
        defer { giveBack(connection) }
        return try body(connection)
    }

    /// Closes the idle connections now and the lent ones when they come back; later borrowers fail.
    func close() {
        condition.lock()
        closed = true
        let closing = idle
        idle.removeAll()
        condition.broadcast()
        condition.unlock()
        closing.forEach { $0.engine.close() }
    }

    private func borrow() throws(DatabaseError) -> Connection {
        let deadline = waitLimit.map { Date().addingTimeInterval(Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18) }
        condition.lock()
        let ticket = nextTicket
        nextTicket += 1
        queue.append(ticket)
        func leaveQueue() {
            queue.removeAll { $0 == ticket }
            // The next in line may be able to go now.
            condition.broadcast()
        }
        func mayGo() -> Bool { closed || (queue.first == ticket && !(idle.isEmpty && lent >= size)) }
        while !mayGo() {
            if let deadline {
                // Woken or timed out: the loop looks again, and gives up only if still it may not go.
                guard condition.wait(until: deadline) || mayGo() else {
                    leaveQueue()
                    condition.unlock()
                    throw DatabaseError(.unavailable, engine: "Storage", code: DatabaseError.poolExhaustedCode,
                                        message: "all \(size) database connections stayed busy for \(waitLimit!)")
                }
            } else {
                condition.wait()
            }
        }
        leaveQueue()
        guard !closed else {
            condition.unlock()
            throw DatabaseError.misuse("the database is closed")
        }
        lent += 1
        let reused = idle.popLast()
        condition.unlock()
        if let reused { return reused }
        do {
            return Connection(engine: try open())
        } catch {
            condition.lock()
            lent -= 1
            condition.broadcast()
            condition.unlock()
            throw error
        }
    }

    private func giveBack(_ connection: Connection) {
        condition.lock()
        lent -= 1
        let keep = !closed && connection.engine.isUsable
        if keep { idle.append(connection) }
        condition.broadcast()
        condition.unlock()
        if !keep { connection.engine.close() }
    }
}
