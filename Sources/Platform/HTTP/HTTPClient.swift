/// A blocking HTTP/1.1 client for synchronous service-to-service calls: `http://` only, one
/// connection per call (`Connection: close`), so no pooled connection can go stale between calls.
/// Call it from a thread that may block, not from Swift concurrency's cooperative pool.
public struct HTTPClient: Sendable {
    public init() {}

    /// `timeout` is one absolute deadline covering connect, send and receive, so a slow server
    /// cannot make the call last longer however it dribbles its answer.
    public func send(method: String, url: String, headers: HTTPHeaders = [:], body: [UInt8] = [],
                     timeout: Duration) throws(HTTPClientError) -> HTTPClientResponse {
        precondition(HTTPSyntax.isToken(method.utf8), "invalid HTTP method: \(method)")
        let deadline = ContinuousClock.now + timeout
        let url = try ClientURL(url)
        let socket: Socket
        do {
            socket = try Socket.connect(host: url.host, port: url.port, until: deadline)
        } catch .timedOut {
            throw .timedOut
        } catch {
            throw .notConnected(error.description)
        }
        defer { socket.close() }

        let request = MessageWriter.request(method: method, target: url.target, host: url.authority,
                                            headers: headers, body: body)
        do {
            try socket.send(request, deadline: deadline)
        } catch .timedOut {
            throw .timedOut
        } catch {
            throw .connectionFailed("sending to \(url.authority): \(error)")
        }

        var reader = SocketReader(socket: socket)
        do {
            return try ResponseReader.read(from: &reader, requestMethod: method, until: deadline)
        } catch SocketError.timedOut {
            throw .timedOut
        } catch SocketError.closed {
            throw .malformedResponse("the connection closed before the response was complete")
        } catch let problem as Problem {
            throw .malformedResponse(problem.detail)
        } catch {
            throw .connectionFailed("receiving from \(url.authority): \(error)")
        }
    }
}
