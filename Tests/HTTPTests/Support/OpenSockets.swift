import Foundation
import Glibc

/// Counts this process's open descriptors (listed in /proc/self/fd) that are sockets with `port`
/// at either end: the server's listener and accepted connections, and tests' own clients.
/// A leaked socket counts even after the connection ended, since it keeps its local address.
/// Counting only these, rather than every descriptor, keeps the number immune to what other tests
/// running in the same process open and close meanwhile.
func openSocketCount(port: Int) -> Int {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    return names.compactMap { Int32($0) }.filter { fd in
        let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)")
        guard target?.hasPrefix("socket:") == true else { return false }
        return socketPort(fd, getsockname) == port || socketPort(fd, getpeername) == port
    }.count
}

private func socketPort(_ fd: Int32, _ lookup: (Int32, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32) -> Int? {
    var storage = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    let found = withUnsafeMutablePointer(to: &storage) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { lookup(fd, $0, &length) == 0 }
    }
    guard found else { return nil }
    let family = Int32(storage.ss_family)
    return withUnsafePointer(to: &storage) { pointer in
        switch family {
        case AF_INET: pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        case AF_INET6: pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
        default: nil
        }
    }
}
