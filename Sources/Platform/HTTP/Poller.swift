import CEpoll
import Foundation
import Glibc
import Synchronization

/// The server's threads, up to a limit, taking turns at one epoll(7) set that holds the
/// listening socket and every connection between requests. The thread that a ready connection
/// wakes reads what arrived, without waiting; once a request head is in, it serves the
/// connection itself (blocking in the handler as it must), then hands it back to the set. So a
/// request costs one wake-up, and a connection waiting for its next request, or trickling in a
/// head, costs a descriptor and a buffer, not a thread.
///
/// Threads start when the last one polling goes to serve, and end after `idleExit` without
/// work: an idle server holds one, and a busy one no more runnable threads than it was given,
/// because dozens of threads taking turns on a few cores spend their time switching, not serving.
/// A thread that waits on the network (`whileBlocked`, which `HTTPClient` uses) does not count
/// against the limit while it waits, so slow upstreams cannot take every thread.
final class Poller: Sendable {
    private static let idleExit = Duration.seconds(10)
    /// How often a thread looks for connections past their deadline (and the longest a poll waits).
    private static let sweepMilliseconds: Int32 = 100

    private let epoll: Int32
    private let listener: Int32
    private let state: ServerState
    private let maxThreads: Int
    private let maxConnections: Int
    private let name: String
    private let connect: @Sendable (Socket, ContinuousClock.Instant) -> Connection
    private let refuse: @Sendable (Socket) -> Void
    /// Every open connection, by descriptor: what keeps it alive while the epoll set points at
    /// it. Taken when one opens or closes, and by the sweep; never per request.
    private let connections = Locked<[Int32: Connection]>([:])
    /// Deadlines are kept as nanoseconds since this instant, so they fit in an atomic.
    private let epoch = ContinuousClock.now
    private let running = Locked(0)
    /// Threads in epoll_wait now.
    private let polling = Atomic(0)
    /// Threads in `whileBlocked` now.
    private let blocked = Atomic(0)
    private let lastSweep = Atomic<Int64>(0)
    /// Whether the listener is open. Held while accepting, so that no thread calls accept(2) on
    /// the descriptor number after another closed it, when it may already name someone else's socket.
    private let listening = Locked(true)

    /// `connect` makes the connection for a socket just accepted; `refuse` answers and closes one
    /// over `maxConnections`, without waiting.
    init(listener: Int32, state: ServerState, maxThreads: Int, maxConnections: Int, name: String,
         connect: @escaping @Sendable (Socket, ContinuousClock.Instant) -> Connection,
         refuse: @escaping @Sendable (Socket) -> Void) throws(SocketError) {
        precondition(maxThreads > 0, "a server needs at least one thread")
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else { throw .failed("epoll_create1") }
        // The listener is the one member without a connection behind it: a nil pointer.
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.ptr = nil
        guard epoll_ctl(epoll, EPOLL_CTL_ADD, listener, &event) == 0 else {
            let error = SocketError.failed("epoll_ctl")
            _ = close(epoll)
            throw error
        }
        self.listener = listener
        self.state = state
        self.maxThreads = maxThreads
        self.maxConnections = maxConnections
        self.name = name
        self.connect = connect
        self.refuse = refuse
    }

    func start() {
        running.withLock { $0 = 1 }
        startThread()
    }

    private func startThread() {
        let thread = Thread { [self] in
            Self.nameThisThread(name)
            run()
        }
        thread.name = name
        thread.start()
    }

    /// Foundation keeps `Thread.name` to itself on Linux; the kernel's name (15 bytes at most)
    /// is the one top, perf and /proc show.
    private static func nameThisThread(_ name: String) {
        let fd = open("/proc/thread-self/comm", O_WRONLY)
        guard fd >= 0 else { return }
        _ = Array(name.utf8.prefix(15)).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }

    /// The poller whose thread this is, for `whileBlocked`.
    private static let currentKey: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
        return key
    }()

    /// Runs `body`, which waits for something other than this process (another service), so
    /// that on a server's thread another may start to serve meanwhile.
    static func whileBlocked<T, E>(_ body: () throws(E) -> T) throws(E) -> T {
        guard let pointer = pthread_getspecific(currentKey) else { return try body() }
        let poller = Unmanaged<Poller>.fromOpaque(pointer).takeUnretainedValue()
        poller.blocked.add(1, ordering: .relaxed)
        defer { poller.blocked.subtract(1, ordering: .relaxed) }
        if poller.polling.load(ordering: .relaxed) == 0 { poller.startAnotherThread() }
        return try body()
    }

    /// Polls and serves what it finds; ends when idle for long while others remain, when more
    /// run than the limit allows now, or once the listener is closed and no connection is left.
    private func run() {
        pthread_setspecific(Self.currentKey, Unmanaged.passUnretained(self).toOpaque())
        var event = epoll_event()
        var lastWork = ContinuousClock.now
        while true {
            polling.add(1, ordering: .relaxed)
            // One event at a time: the thread that takes a connection serves it, so events left
            // in its hands would wait for that.
            let count = epoll_wait(epoll, &event, 1, Self.sweepMilliseconds)
            let othersPolling = polling.subtract(1, ordering: .relaxed).newValue
            if count > 0 {
                lastWork = .now
                if othersPolling == 0 { startAnotherThread() }
                if let pointer = event.data.ptr {
                    wake(Unmanaged<Connection>.fromOpaque(pointer).takeUnretainedValue())
                } else {
                    acceptAll()
                }
                if leave(ifIdle: false) { return }
            } else if lastWork.duration(to: .now) >= Self.idleExit && leave(ifIdle: true) {
                return
            }
            if claimSweep() && sweepAndCheckDone() { break }
        }
        let last = running.withLock { running in
            running -= 1
            return running == 0
        }
        if last { _ = close(epoll) }
    }

    /// Before serving, so that a connection that becomes ready meanwhile is not left waiting.
    private func startAnotherThread() {
        let start = running.withLock { running in
            guard running < maxThreads + blocked.load(ordering: .relaxed) else { return false }
            running += 1
            return true
        }
        if start { startThread() }
    }

    /// True if this thread is to end: when it is idle and another is polling (one that serves
    /// something slow must not leave nobody to accept), or far more run than the limit now allows
    /// (threads started while others were blocked, which have come back). Up to `maxThreads` more
    /// are kept: under a steady load of calls that block, starting and ending a thread a request
    /// costs more than the request.
    private func leave(ifIdle idle: Bool) -> Bool {
        running.withLock { running in
            let surplus = running > 2 * maxThreads + blocked.load(ordering: .relaxed)
            guard running > 1 && (idle ? polling.load(ordering: .relaxed) > 0 : surplus) else { return false }
            running -= 1
            return true
        }
    }

    /// True for the one thread that is to sweep now.
    private func claimSweep() -> Bool {
        let now = nanoseconds(.now)
        let last = lastSweep.load(ordering: .relaxed)
        return now - last >= Int64(Self.sweepMilliseconds) * 1_000_000
            && lastSweep.compareExchange(expected: last, desired: now, ordering: .relaxed).exchanged
    }

    /// Closes the listener: from now on connection attempts are refused. It waits for a thread
    /// that is accepting to finish, never for one that serves.
    func stopAccepting() {
        listening.withLock { endAccepting(&$0) }
    }

    /// Wakes connections past their deadline, and says whether the server is done: nothing to
    /// accept, no connection left. Locks are taken in one order: `listening`, `connections`, then
    /// the server state's.
    private func sweepAndCheckDone() -> Bool {
        let listening = listening.withLock { $0 }
        let now = nanoseconds(.now)
        return connections.withLock { connections in
            for connection in connections.values {
                let deadline = connection.parkedUntil.load(ordering: .relaxed)
                // Ending its input wakes it, and the wake-up sees the deadline passed (see `wake`).
                // Closing it here instead could free it under a thread that has just taken its event.
                if deadline != 0 && deadline <= now { _ = Glibc.shutdown(connection.socket.fd, Int32(SHUT_RD)) }
            }
            return !listening && connections.isEmpty && state.connectionCount == 0
        }
    }

    /// Watches `connection` until bytes arrive or `deadline` passes. Only the thread that owns the
    /// connection parks it, and only a wake-up (one, as it is armed once) owns it next.
    private func park(_ connection: Connection, until deadline: Deadline, isNew: Bool = false) {
        connection.parkedUntil.store(max(nanoseconds(deadline), 1), ordering: .relaxed)
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLONESHOT.rawValue
        event.data.ptr = Unmanaged.passUnretained(connection).toOpaque()
        // Out of kernel memory or watch slots: no event would ever come for it.
        if epoll_ctl(epoll, isNew ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, connection.socket.fd, &event) != 0 { end(connection) }
    }

    private func wake(_ connection: Connection) {
        let deadline = connection.parkedUntil.exchange(0, ordering: .relaxed)
        if deadline <= nanoseconds(.now) { return settle(connection, connection.timeOut()) }
        switch connection.receive(parkedUntil: epoch + .nanoseconds(deadline)) {
        case .request: settle(connection, connection.serve())
        case .waiting(let until): park(connection, until: until)
        case .closed: end(connection)
        }
    }

    private func settle(_ connection: Connection, _ next: Connection.Next) {
        switch next {
        case .park(let until): park(connection, until: until)
        case .close: end(connection)
        }
    }

    /// Under the lock, so the sweep never shuts down a descriptor number that is being reused.
    private func end(_ connection: Connection) {
        connections.withLock { connections in
            connections[connection.socket.fd] = nil
            connection.close()
        }
    }

    private func nanoseconds(_ instant: ContinuousClock.Instant) -> Int64 {
        let (seconds, attoseconds) = epoch.duration(to: instant).components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// Accepts every connection waiting, under the `listening` lock (see `endAccepting`).
    private func acceptAll() {
        listening.withLock { listening in
            if listening { acceptWaiting() }
        }
    }

    private func acceptWaiting() {
        while true {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else {
                let error = errno
                if [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(error) {
                    // Out of descriptors or memory: connections that finish will free some; spinning would not.
                    Thread.sleep(forTimeInterval: 0.05)
                    return
                }
                // The error of one connection that died in the backlog, which accept(2) on Linux
                // passes on: the listener is fine, go on. Anything else (EAGAIN: nobody is left)
                // ends this round.
                if [ECONNABORTED, EPROTO, EINTR, ENETDOWN, ENOPROTOOPT, EHOSTDOWN, ENONET, EHOSTUNREACH, EOPNOTSUPP,
                    ENETUNREACH].contains(error) { continue }
                return
            }
            let acceptedAt = ContinuousClock.now
            // accept4(2), which would set close-on-exec atomically, is not exported by Swift's Glibc
            // module; the moment before configure() only matters to a process that forks meanwhile.
            Socket.configure(fd)
            let socket = Socket(fd: fd)
            guard state.admit(fd, limit: maxConnections) else {
                refuse(socket)
                continue
            }
            let connection = connect(socket, acceptedAt)
            connections.withLock { $0[fd] = connection }
            park(connection, until: connection.firstDeadline, isNew: true)
        }
    }

    /// Closes the listener, once, under the `listening` lock, so that no thread calls accept(2)
    /// on the descriptor number after it is closed, when it may already name someone else's socket.
    private func endAccepting(_ listening: inout Bool) {
        guard listening else { return }
        listening = false
        _ = epoll_ctl(epoll, EPOLL_CTL_DEL, listener, nil)
        _ = close(listener)
    }
}
