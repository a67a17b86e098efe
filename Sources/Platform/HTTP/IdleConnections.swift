import Glibc

/// Connections an `HTTPClient` keeps open between calls, by `host:port`, at most `limit` each.
/// One taken from here is checked first: a server that closed it meanwhile (its idle timeout, a
/// shutdown) has left an end of stream to read, and it is thrown away rather than used. Those
/// idle longer than `maxIdle` are not used either, so the server's own idle timeout (a minute on
/// ours) should not close one as a request goes out on it.
final class IdleConnections: Sendable {
    private struct Idle {
        let socket: Socket
        let since: ContinuousClock.Instant
    }

    private let limit: Int
    private let maxIdle: Duration
    private let idle = Locked<[String: [Idle]]>([:])

    init(limit: Int, maxIdle: Duration = .seconds(20)) {
        self.limit = limit
        self.maxIdle = maxIdle
    }

    /// An open connection to `authority`, the most recently used first, or nil.
    func take(_ authority: String) -> Socket? {
        while let entry = idle.withLock({ $0[authority]?.popLast() }) {
            if entry.since.duration(to: .now) < maxIdle && Self.isOpen(entry.socket) { return entry.socket }
            entry.socket.close()
        }
        return nil
    }

    /// Keeps `socket`, which has just delivered a whole response, or closes it if `limit` are kept.
    func keep(_ socket: Socket, for authority: String) {
        let kept = idle.withLock { idle in
            guard idle[authority, default: []].count < limit else { return false }
            idle[authority, default: []].append(Idle(socket: socket, since: .now))
            return true
        }
        if !kept { socket.close() }
    }

    /// Nothing to read and no end of stream: the server still holds it open and sent nothing
    /// unasked.
    private static func isOpen(_ socket: Socket) -> Bool {
        var byte: UInt8 = 0
        let count = recv(socket.fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
    }
}
