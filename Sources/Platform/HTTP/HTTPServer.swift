import Foundation
import Glibc

/// An HTTP/1.1 server on up to `threads` threads that take turns watching every connection with
/// epoll and serve the requests they find, blocking as they go (see `Poller`). Swift
/// concurrency's cooperative pool is never blocked by it.
public final class HTTPServer: Sendable {
    private let configuration: HTTPServerConfiguration
    private let observer: (@Sendable (HTTPExchange) -> Void)?
    private let handler: @Sendable (HTTPRequest) -> HTTPResponse
    private let state = ServerState()
    private let poller = Locked<Poller?>(nil)
    private let started = Locked(false)

    /// `observer` hears of every answered request, rejected ones included, after the response is written.
    public init(configuration: HTTPServerConfiguration, observer: (@Sendable (HTTPExchange) -> Void)? = nil,
                handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) {
        self.configuration = configuration
        self.observer = observer
        self.handler = handler
    }

    /// Runs `body`, a handler's long wait on something other than this process (a broker), so
    /// that another thread may serve meanwhile, as during an `HTTPClient` call.
    public static func whileBlocked<T, E>(_ body: () throws(E) -> T) throws(E) -> T {
        try Poller.whileBlocked(body)
    }

    /// Binds, listens and starts its first thread; returns the bound port.
    /// A server starts once.
    public func start() throws -> Int {
        guard started.withLock({ started in
            defer { started = true }
            return !started
        }) else { throw SocketError.system("the server was already started") }
        let (listener, port) = try Listener.open(host: configuration.host, port: configuration.port)
        let poller: Poller
        do {
            poller = try Poller(listener: listener, state: state, maxThreads: configuration.threads,
                                maxConnections: configuration.maxConnections, name: "http-\(port)",
                                connect: { [self] socket, acceptedAt in
                                    Connection(socket: socket, acceptedAt: acceptedAt, configuration: configuration,
                                               state: state, handler: handler, observer: observer)
                                },
                                refuse: { [self] socket in rejectOverCapacity(socket) })
        } catch {
            _ = close(listener)
            throw error
        }
        self.poller.withLock { $0 = poller }
        poller.start()
        return port
    }

    /// Closes the listening socket: from now on connection attempts are refused. Open connections
    /// are still served.
    public func stopAccepting() {
        poller.withLock { $0 }?.stopAccepting()
    }

    /// Stops accepting, lets in-flight requests finish (their responses say `Connection: close`),
    /// closes idle keep-alive connections and waits until every connection is closed or
    /// `gracePeriod` has passed. True if every connection closed in time.
    public func shutdown(gracePeriod: Duration) -> Bool {
        let deadline = Date(timeIntervalSinceNow: gracePeriod.timeInterval)
        stopAccepting()
        state.beginDraining()
        return state.waitUntilNoConnections(deadline: deadline)
    }

    public var openConnections: Int {
        state.connectionCount
    }

    /// Runs on the poller's thread, so it must not wait: one non-blocking write of a small response
    /// into a fresh socket's empty send buffer, then close.
    private func rejectOverCapacity(_ socket: Socket) {
        let response = Problem.unavailable("the server is at its connection limit", retryAfterSeconds: 1).response
        try? socket.send(MessageWriter.response(response, connection: "close", isHeadRequest: false), deadline: .now)
        socket.close()
        observer?(HTTPExchange(method: "", path: "", status: response.status, duration: .zero))
    }
}
