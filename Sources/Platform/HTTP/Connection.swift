import Glibc
import Synchronization

/// One accepted socket. Between requests it is parked in the `Poller`'s epoll set; the thread
/// it wakes reads what arrived without waiting and, once a request head is in, serves it, request
/// after request while whole pipelined heads remain, then parks it again or closes it.
/// `@unchecked Sendable`: it passes between the poller's threads, and exactly one of them owns it
/// at a time.
final class Connection: @unchecked Sendable {
    private enum Outcome {
        case keepOpen
        /// A response said `Connection: close`.
        case close
        /// Nothing (more) can be said: the peer left, or our response could not be written.
        case abort
    }

    /// What the owner does next.
    enum Next {
        /// Wait (with the poller) until more arrives or `until` passes, then call `receive`.
        case park(until: Deadline)
        /// Close it.
        case close
    }

    /// What `receive` found.
    enum Arrival {
        /// A request head is in (or more than a head may hold): `serve` it.
        case request
        /// Park it again until `until`.
        case waiting(until: Deadline)
        case closed
    }

    /// How long a closing connection keeps reading. Closing a socket whose receive buffer holds
    /// data makes the kernel send RST instead of FIN, and a client still uploading a body we
    /// refused (a 413, say) would then lose our response. So a closing connection stops writing,
    /// and reads and discards until the client closes too, this time passes or `maxBodyBytes`
    /// were thrown away.
    private static let lingerTime = Duration.seconds(2)

    let socket: Socket
    private let acceptedAt: ContinuousClock.Instant
    private let configuration: HTTPServerConfiguration
    private let state: ServerState
    private let handler: @Sendable (HTTPRequest) -> HTTPResponse
    private let observer: (@Sendable (HTTPExchange) -> Void)?
    /// While parked: its deadline, in the poller's nanoseconds; 0 while a thread owns it.
    let parkedUntil = Atomic<Int64>(0)
    private var reader: SocketReader
    private var isFirstRequest = true
    /// When the head being received is due: within `headTimeout` of the accept for the first
    /// request, of its first byte for later ones. Nil between requests.
    private var headDeadline: Deadline?
    /// Bytes thrown away since the last response said `Connection: close`; nil until then.
    private var discarded: Int?
    /// The client's address, asked of the socket once.
    private lazy var peer: String? = socket.peerAddress()

    init(socket: Socket, acceptedAt: ContinuousClock.Instant, configuration: HTTPServerConfiguration, state: ServerState,
         handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse, observer: (@Sendable (HTTPExchange) -> Void)?) {
        self.socket = socket
        self.acceptedAt = acceptedAt
        self.configuration = configuration
        self.state = state
        self.handler = handler
        self.observer = observer
        reader = SocketReader(socket: socket)
    }

    /// The first request's head is due within `headTimeout` of the accept.
    var firstDeadline: Deadline { acceptedAt + configuration.headTimeout }

    /// Poller side: takes what has arrived, without waiting, while parked until `deadline`. A
    /// closing connection throws it away until the client closes too, or `maxBodyBytes` were discarded.
    func receive(parkedUntil deadline: Deadline) -> Arrival {
        if let discarded {
            guard let count = try? reader.discardArrived(), count > 0, discarded + count < configuration.maxBodyBytes else {
                return .closed
            }
            self.discarded = discarded + count
            return .waiting(until: deadline)
        }
        do {
            try reader.receiveArrived()
        } catch {
            return .closed
        }
        if reader.isEmpty { return .waiting(until: deadline) }
        // A head has begun: from now on it has until its own deadline, not the idle timeout.
        let due = headDue
        headDeadline = due
        return holdsHead ? .request : .waiting(until: due)
    }

    /// When the head being received, or the next, is due.
    private var headDue: Deadline {
        headDeadline ?? (isFirstRequest ? firstDeadline : .now + configuration.headTimeout)
    }

    /// Whether `readHead` can go without waiting (see `SocketReader.holdsHead`).
    private var holdsHead: Bool {
        reader.holdsHead(maxStartLineBytes: configuration.maxRequestLineBytes, maxHeadBytes: configuration.maxHeadBytes)
    }

    /// Its deadline passed while parked: a connection in the middle of a head gets a 408, one
    /// between requests (or lingering) nothing. Then it closes.
    func timeOut() -> Next {
        if discarded == nil && !reader.isEmpty {
            let response = Problem(status: 408, detail: "the request did not arrive in time").response
            _ = try? socket.send(MessageWriter.response(response, connection: "close", isHeadRequest: false),
                                 deadline: .now + configuration.sendTimeout)
            observer?(HTTPExchange(method: "", path: "", status: response.status, duration: .zero))
        }
        return .close
    }

    /// Serves the requests that have arrived in full, even while the server drains (their answers
    /// then say `Connection: close`), then parks or closes.
    func serve() -> Next {
        _ = state.setIdle(socket.fd, false)
        var outcome = Outcome.keepOpen
        repeat {
            let due = headDue
            isFirstRequest = false
            headDeadline = nil
            outcome = serveRequest(headDeadline: due)
        } while outcome == .keepOpen && holdsHead
        switch outcome {
        case .keepOpen:
            guard state.setIdle(socket.fd, true) else { return .close }
            // Part of a pipelined head may be in: it waits for the rest parked, not on a thread.
            if !reader.isEmpty {
                headDeadline = .now + configuration.headTimeout
                return .park(until: headDeadline!)
            }
            return .park(until: .now + configuration.idleTimeout)
        case .close:
            // Lingers (see `lingerTime`), parked like any other connection.
            state.remove(socket.fd)
            _ = Glibc.shutdown(socket.fd, Int32(SHUT_WR))
            discarded = 0
            return .park(until: .now + Self.lingerTime)
        case .abort:
            return .close
        }
    }

    func close() {
        if discarded == nil { state.remove(socket.fd) }
        socket.close()
    }

    private func serveRequest(headDeadline: Deadline) -> Outcome {
        let started = ContinuousClock.now
        // Known once the head is parsed, for the exchange reported even when the body is refused.
        var request: HTTPRequest?
        // Set once the request was read in full and answered by the handler: only then may the
        // connection carry another one.
        var persistentVersion: HTTPVersion?
        let response: HTTPResponse
        do {
            let head = try RequestHead(
                parsing: try reader.readHead(maxStartLineBytes: configuration.maxRequestLineBytes,
                                             maxHeadBytes: configuration.maxHeadBytes, until: headDeadline),
                maxHeaderCount: configuration.maxHeaderCount)
            var parsed = HTTPRequest(method: head.method, target: head.target, headers: head.headers)
            parsed.remoteAddress = peer
            request = parsed
            let framing = try BodyFraming(requestHeaders: head.headers, maxBodyBytes: configuration.maxBodyBytes)
            // Only now, with every check passed, is the body sure to be read.
            if head.expectsContinue && framing.hasBody {
                try socket.send(MessageWriter.continueResponse, deadline: .now + configuration.sendTimeout)
            }
            parsed.body = try readBody(framing, until: .now + configuration.bodyTimeout)
            response = handler(parsed)
            // RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing; answer it, then close.
            if head.wantsKeepAlive && !(head.version == .http1_0 && framing == .chunked) {
                persistentVersion = head.version
            }
        } catch let problem as Problem {
            response = problem.response
        } catch SocketError.timedOut {
            response = Problem(status: 408, detail: "the request did not arrive in time").response
        } catch {
            return .abort
        }

        let keepAlive = persistentVersion != nil && !state.isDraining
        let connection = !keepAlive ? "close" : persistentVersion == .http1_0 ? "keep-alive" : nil
        let bytes = MessageWriter.response(response, connection: connection, isHeadRequest: request?.method == "HEAD")
        let sent = (try? socket.send(bytes, deadline: .now + configuration.sendTimeout)) != nil
        observer?(HTTPExchange(method: request?.method ?? "", path: request?.path ?? "", status: response.status,
                               duration: started.duration(to: .now)))
        guard sent else { return .abort }
        return keepAlive ? .keepOpen : .close
    }

    private func readBody(_ framing: BodyFraming, until deadline: Deadline) throws -> [UInt8] {
        switch framing {
        case .none:
            return []
        case .contentLength(let length):
            return try reader.readExactly(length, until: deadline)
        case .chunked:
            let limits = ChunkedBody.Limits(maxBodyBytes: configuration.maxBodyBytes,
                                            maxTrailerBytes: configuration.maxHeadBytes,
                                            maxTrailerCount: configuration.maxHeaderCount)
            return try ChunkedBody.read(from: &reader, limits: limits, until: deadline)
        }
    }
}
