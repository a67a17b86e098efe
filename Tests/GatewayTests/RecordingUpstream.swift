import HTTP
import Synchronization

/// A service behind the gateway: an in-process HTTP server on a loopback port that remembers
/// every request it received and answers with `respond`.
final class RecordingUpstream: Sendable {
    let port: Int
    private let server: HTTPServer
    private let received = Received()

    init(_ respond: @escaping @Sendable (HTTPRequest) -> HTTPResponse) throws {
        server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0)) { [received] request in
            received.requests.withLock { $0.append(request) }
            return respond(request)
        }
        port = try server.start()
    }

    deinit { _ = server.shutdown(gracePeriod: .seconds(2)) }

    var url: String { "http://127.0.0.1:\(port)" }
    var requests: [HTTPRequest] { received.requests.withLock { $0 } }

    private final class Received: Sendable {
        let requests = Mutex<[HTTPRequest]>([])
    }
}
