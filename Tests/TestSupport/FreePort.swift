import Foundation
import Glibc

/// A TCP port on 127.0.0.1 that nothing listens on right now and that no other caller in this
/// test process was given. Two services of one stack must never share a port: the second would
/// fail to bind while its readiness check, answered by the first, said it was up.
///
/// Ports come from below Linux's ephemeral range (32768–60999), so an outgoing connection
/// (a Kafka client's, say) cannot take a service's port while the service is stopped.
public func freePort() throws -> Int {
    try freePortRun(1)
}

/// The first of `count` consecutive such ports, for tools that place their processes at fixed
/// offsets from a base port; with `repeats`, the same run again every `stride` ports after it
/// (devstack puts a context's replica k on its port + 100 × (k - 1)), all of them free.
public func freePortRun(_ count: Int, repeats: Int = 1, stride: Int = 100) throws -> Int {
    try PortRegistry.shared.take(count, repeats: repeats, stride: stride)
}

/// True when something accepts TCP connections on 127.0.0.1:port.
public func isListening(port: Int) -> Bool {
    withLoopbackSocket(port: port) { fd, address, length in connect(fd, address, length) == 0 }
}

private final class PortRegistry: @unchecked Sendable {
    static let shared = PortRegistry()
    private static let range = 20000..<32768
    private let lock = NSLock()
    private var given: Set<Int> = []

    func take(_ count: Int, repeats: Int, stride: Int) throws -> Int {
        lock.lock()
        defer { lock.unlock() }
        let span = (repeats - 1) * stride + count
        for _ in 0..<200 {
            let first = Int.random(in: Self.range.lowerBound...(Self.range.upperBound - span))
            let ports = (0..<repeats).flatMap { first + $0 * stride..<first + $0 * stride + count }
            guard given.isDisjoint(with: ports), ports.allSatisfy(canBind) else { continue }
            given.formUnion(ports)
            return first
        }
        throw TestSupportError("no \(repeats) runs of \(count) free ports found on 127.0.0.1 in 200 tries")
    }
}

private func canBind(_ port: Int) -> Bool {
    withLoopbackSocket(port: port) { fd, address, length in
        var reuse: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        return bind(fd, address, length) == 0
    }
}

/// Runs `body` with a fresh TCP socket and the address 127.0.0.1:port; closes the socket after.
private func withLoopbackSocket(port: Int, _ body: (Int32, UnsafePointer<sockaddr>, socklen_t) -> Bool) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
}
