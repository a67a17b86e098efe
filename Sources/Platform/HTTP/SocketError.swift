import Glibc

enum SocketError: Error, CustomStringConvertible {
    case timedOut
    /// The peer closed or reset the connection.
    case closed
    case system(String)

    /// A failed call, described with the current `errno`.
    static func failed(_ operation: String) -> SocketError {
        .system("\(operation): \(String(cString: strerror(errno)))")
    }

    var description: String {
        switch self {
        case .timedOut: "timed out"
        case .closed: "connection closed by peer"
        case .system(let message): message
        }
    }
}
