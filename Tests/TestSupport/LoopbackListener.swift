import Foundation
import Glibc

/// A bare socket on 127.0.0.1 for client tests: bound but not listening (connections are
/// refused), listening but never answering, or answering one request with fixed bytes.
public final class LoopbackListener: Sendable {
    public let fd: Int32
    public let port: Int

    public init(listening: Bool = true) throws(TestFailure) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound, !listening || listen(fd, 16) == 0 else {
            close(fd)
            throw TestFailure(description: "cannot bind or listen on 127.0.0.1")
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        close(fd)
    }

    /// On a thread of its own: accepts one connection (waiting at most 5 s), reads its request
    /// head, writes `reply` and closes the connection.
    public func answerOnce(with reply: String) {
        Thread { [self] in
            var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 5000) > 0 else { return }
            let connection = accept(fd, nil, nil)
            guard connection >= 0 else { return }
            defer { close(connection) }
            var head: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            var incoming = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
            while head.firstRange(of: [13, 10, 13, 10]) == nil, head.count < 65536, poll(&incoming, 1, 5000) > 0 {
                let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { return }
                head += chunk[..<count]
            }
            _ = Array(reply.utf8).withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }.start()
    }
}
