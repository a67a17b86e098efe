import Foundation
import Glibc

/// An HTTP/1.1 server on blocking threads: one accept thread, one thread per connection, bounded
/// by `maxConnections`. Swift concurrency's cooperative pool is never blocked by it.
public final class HTTPServer: Sendable {
    private let configuration: HTTPServerConfiguration
    private let observer: (@Sendable (HTTPExchange) -> Void)?
    private let handler: @Sendable (HTTPRequest) -> HTTPResponse
    private let state = ServerState()

    /// `observer` hears of every answered request, rejected ones included, after the response is written.
    public init(configuration: HTTPServerConfiguration, observer: (@Sendable (HTTPExchange) -> Void)? = nil,
                handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) {
        self.configuration = configuration
        self.observer = observer
        self.handler = handler
    }

    /// Binds, listens and starts accepting on a thread of its own; returns the bound port.
    /// A server starts once.
    public func start() throws -> Int {
        let (listener, port) = try Listener.open(host: configuration.host, port: configuration.port)
        guard state.beginAccepting(listener) else {
            _ = close(listener)
            throw SocketError.system("the server was already started")
        }
        let thread = Thread { [self] in acceptLoop(listener) }
        thread.name = "http-accept-\(port)"
        thread.start()
        return port
    }

    /// Closes the listening socket: from now on connection attempts are refused. Open connections
    /// are still served.
    public func stopAccepting() {
        state.stopAccepting()
    }

    /// Stops accepting, lets in-flight requests finish (their responses say `Connection: close`),
    /// closes idle keep-alive connections and waits until every connection is closed or
    /// `gracePeriod` has passed. True if every connection closed in time.
    public func shutdown(gracePeriod: Duration) -> Bool {
        let deadline = Date(timeIntervalSinceNow: Double(gracePeriod.components.seconds)
            + Double(gracePeriod.components.attoseconds) / 1e18)
        stopAccepting()
        state.beginDraining()
        return state.waitUntilNoConnections(deadline: deadline)
    }

    public var openConnections: Int {
        state.connectionCount
    }

    private func acceptLoop(_ listener: Int32) {
        defer {
            _ = close(listener)
            state.acceptLoopEnded()
        }
        while true {
            let fd = accept(listener, nil, nil)
            if fd >= 0 {
                serve(fd)
                continue
            }
            let error = errno
            if state.isAcceptingStopped { return }
            if [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(error) {
                // Out of descriptors or memory: connections that finish will free some; spinning would not.
                Thread.sleep(forTimeInterval: 0.05)
            }
            // Anything else is the error of one connection that died in the backlog, which accept(2)
            // on Linux passes on (ECONNABORTED, EPROTO, ENETDOWN, ...): the listener is fine, go on.
        }
    }

    private func serve(_ fd: Int32) {
        let acceptedAt = ContinuousClock.now
        // accept4(2), which would set close-on-exec atomically, is not exported by Swift's Glibc
        // module; the moment before configure() only matters to a process that forks meanwhile.
        Socket.configure(fd)
        let socket = Socket(fd: fd)
        guard state.admit(fd, limit: configuration.maxConnections) else {
            rejectOverCapacity(socket)
            return
        }
        let connection = Connection(socket: socket, acceptedAt: acceptedAt, configuration: configuration,
                                    state: state, handler: handler, observer: observer)
        let thread = Thread { connection.run() }
        thread.name = "http-connection-\(fd)"
        thread.start()
    }

    /// Runs on the accept thread, so it must not wait: one non-blocking write of a small response
    /// into a fresh socket's empty send buffer, then close.
    private func rejectOverCapacity(_ socket: Socket) {
        let response = Problem.unavailable("the server is at its connection limit", retryAfterSeconds: 1).response
        try? socket.send(MessageWriter.response(response, connection: "close", isHeadRequest: false), deadline: .now)
        socket.close()
        observer?(HTTPExchange(method: "", path: "", status: response.status, duration: .zero))
    }
}
