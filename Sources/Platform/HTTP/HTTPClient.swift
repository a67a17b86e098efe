/// A blocking HTTP/1.1 client for synchronous service-to-service calls: `http://` only. Each
/// call opens a connection and closes it (`Connection: close`), unless `keepAlive` is set: then
/// up to that many connections to each server stay open between calls (see `IdleConnections`).
/// Call it from a thread that may block, not from Swift concurrency's cooperative pool.
public struct HTTPClient: Sendable {
    /// Methods sent a second time when it is unclear whether the first reached a handler: safe
    /// ones (RFC 9110 §9.2.1), in case it did. This client sends them again on a new connection
    /// when a kept one ends before any byte of an answer; the gateway, to another replica.
    public static let repeatableMethods: Set = ["GET", "HEAD", "OPTIONS"]

    private let idle: IdleConnections?

    public init(keepAlive: Int = 0) {
        idle = keepAlive > 0 ? IdleConnections(limit: keepAlive) : nil
    }

    /// `timeout` is one absolute deadline covering connect, send and receive, so a slow server
    /// cannot make the call last longer however it dribbles its answer.
    public func send(method: String, url: String, headers: HTTPHeaders = [:], body: [UInt8] = [],
                     timeout: Duration) throws(HTTPClientError) -> HTTPClientResponse {
        try Poller.whileBlocked { () throws(HTTPClientError) in
            try exchange(method: method, url: url, headers: headers, body: body, timeout: timeout)
        }
    }

    private func exchange(method: String, url: String, headers: HTTPHeaders, body: [UInt8],
                          timeout: Duration) throws(HTTPClientError) -> HTTPClientResponse {
        precondition(HTTPSyntax.isToken(method.utf8), "invalid HTTP method: \(method)")
        let deadline = ContinuousClock.now + timeout
        let url = try ClientURL(url)
        let request = MessageWriter.request(method: method, target: url.target, host: url.authority,
                                            headers: headers, body: body, keepAlive: idle != nil)
        if let idle, let socket = idle.take(url.authority) {
            switch try exchange(request, method: method, url: url, on: socket, until: deadline) {
            case .answered(let response):
                return response
            case .closedUnanswered where Self.repeatableMethods.contains(method):
                break  // below, on a new connection
            case .closedUnanswered:
                throw .connectionFailed("\(url.authority) closed a kept connection as the request went out")
            }
        }
        let socket: Socket
        do {
            socket = try Socket.connect(host: url.host, port: url.port, until: deadline)
        } catch .timedOut {
            throw .timedOut
        } catch {
            throw .notConnected(error.description)
        }
        switch try exchange(request, method: method, url: url, on: socket, until: deadline) {
        case .answered(let response): return response
        case .closedUnanswered: throw .malformedResponse("the connection closed before the response was complete")
        }
    }

    private enum Outcome {
        case answered(HTTPClientResponse)
        /// The connection ended before any byte of an answer.
        case closedUnanswered
    }

    /// Sends `request` on `socket` and reads the answer; keeps the socket for another call when
    /// it can, or closes it.
    private func exchange(_ request: [UInt8], method: String, url: ClientURL, on socket: Socket,
                          until deadline: Deadline) throws(HTTPClientError) -> Outcome {
        var reusable = false
        defer {
            if reusable, let idle { idle.keep(socket, for: url.authority) } else { socket.close() }
        }
        do {
            try socket.send(request, deadline: deadline)
        } catch .timedOut {
            throw .timedOut
        } catch .closed {
            return .closedUnanswered
        } catch {
            throw .connectionFailed("sending to \(url.authority): \(error)")
        }

        var reader = SocketReader(socket: socket)
        do {
            let (response, delimited) = try ResponseReader.read(from: &reader, requestMethod: method, until: deadline)
            reusable = delimited && reader.isEmpty
            return .answered(response)
        } catch SocketError.timedOut {
            throw .timedOut
        } catch SocketError.closed where reader.receivedNothing {
            return .closedUnanswered
        } catch SocketError.closed {
            throw .malformedResponse("the connection closed before the response was complete")
        } catch let problem as Problem {
            throw .malformedResponse(problem.detail)
        } catch {
            throw .connectionFailed("receiving from \(url.authority): \(error)")
        }
    }
}
