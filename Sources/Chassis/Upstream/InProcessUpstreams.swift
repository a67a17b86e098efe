import HTTP
import Synchronization

/// Base URLs answered in this process instead of over a socket: how `SystemTester` wires one
/// context's sync calls to another context's router. Empty in a running service.
package enum InProcessUpstreams {
    package typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse
    private static let handlers = Mutex<[String: Handler]>([:])

    package static func register(_ baseURL: String, _ handler: @escaping Handler) {
        handlers.withLock { $0[baseURL] = handler }
    }

    package static func remove(_ baseURL: String) {
        _ = handlers.withLock { $0.removeValue(forKey: baseURL) }
    }

    static func handler(for baseURL: String) -> Handler? {
        handlers.withLock { $0[baseURL] }
    }
}
