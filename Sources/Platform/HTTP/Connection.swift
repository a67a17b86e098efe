/// One accepted socket, served on its own thread, request after request, until either side ends it.
struct Connection: Sendable {
    private enum Outcome {
        case keepOpen
        /// A response said `Connection: close`.
        case close
        /// Nothing (more) can be said: the peer left, or our response could not be written.
        case abort
    }

    /// How long a closing connection keeps reading, so the client receives our last response
    /// instead of a reset (see `Socket.lingeringClose`).
    private static let lingerTime = Duration.seconds(2)

    let socket: Socket
    let acceptedAt: ContinuousClock.Instant
    let configuration: HTTPServerConfiguration
    let state: ServerState
    let handler: @Sendable (HTTPRequest) -> HTTPResponse
    let observer: (@Sendable (HTTPExchange) -> Void)?

    func run() {
        var reader = SocketReader(socket: socket)
        var outcome = Outcome.keepOpen
        var isFirstRequest = true
        while outcome == .keepOpen {
            if isFirstRequest || reader.isEmpty {
                // The first request's head is due within headTimeout of the accept; later ones may
                // idle first. Pipelined bytes already buffered skip the wait.
                let wait = isFirstRequest ? acceptedAt + configuration.headTimeout : .now + configuration.idleTimeout
                guard awaitRequest(&reader, until: wait) else { break }
            }
            let headDeadline = isFirstRequest ? acceptedAt + configuration.headTimeout : .now + configuration.headTimeout
            isFirstRequest = false
            outcome = serveRequest(&reader, headDeadline: headDeadline)
        }
        state.remove(socket.fd)
        if outcome == .close {
            socket.lingeringClose(until: .now + Self.lingerTime, maxBytes: configuration.maxBodyBytes)
        } else {
            socket.close()
        }
    }

    /// Waits for the first byte of a request while marked idle, so `shutdown` can close the
    /// connection under us. False if the connection should close instead.
    private func awaitRequest(_ reader: inout SocketReader, until deadline: Deadline) -> Bool {
        guard state.setIdle(socket.fd, true) else { return false }
        do {
            try reader.receiveMore(until: deadline)
        } catch {
            return false
        }
        return state.setIdle(socket.fd, false)
    }

    private func serveRequest(_ reader: inout SocketReader, headDeadline: Deadline) -> Outcome {
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
            request = parsed
            let framing = try BodyFraming(requestHeaders: head.headers, maxBodyBytes: configuration.maxBodyBytes)
            // Only now, with every check passed, is the body sure to be read.
            if head.expectsContinue && framing.hasBody {
                try socket.send(MessageWriter.continueResponse, deadline: .now + configuration.sendTimeout)
            }
            parsed.body = try readBody(framing, from: &reader, until: .now + configuration.bodyTimeout)
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

    private func readBody(_ framing: BodyFraming, from reader: inout SocketReader, until deadline: Deadline) throws -> [UInt8] {
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
