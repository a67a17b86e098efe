import Glibc

/// A TCP port on 127.0.0.1 that nothing listens on right now (the kernel picks it).
public func freePort() throws -> Int {
    var port = 0
    let bound = withLoopbackSocket(port: 0) { fd, address, length in
        var length = length
        guard bind(fd, address, length) == 0 else { return false }
        var actual = sockaddr_in()
        let named = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) == 0 }
        }
        port = Int(UInt16(bigEndian: actual.sin_port))
        return named
    }
    guard bound else { throw TestSupportError("cannot bind an ephemeral port on 127.0.0.1") }
    return port
}

/// True when something accepts TCP connections on 127.0.0.1:port.
public func isListening(port: Int) -> Bool {
    withLoopbackSocket(port: port) { fd, address, length in connect(fd, address, length) == 0 }
}

/// The first of `count` consecutive ports on 127.0.0.1 that nothing holds right now, for tools
/// that place their processes at fixed offsets from a base port.
public func freePortRun(_ count: Int) throws -> Int {
    for _ in 0..<50 {
        let first = try freePort()
        guard first + count - 1 <= 65535 else { continue }
        if (first..<first + count).allSatisfy(canBind) { return first }
    }
    throw TestSupportError("no \(count) consecutive free ports found on 127.0.0.1 in 50 tries")
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
