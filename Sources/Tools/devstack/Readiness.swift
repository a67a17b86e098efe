import Foundation
import Glibc
import HTTP

/// Whether a child is ready: its /readyz answers 200, or for the broker, its port accepts.
enum Readiness {
    /// Polls until `process` is ready; false at `deadline` or once devstack is shutting down.
    static func wait(for process: ManagedProcess, until deadline: ContinuousClock.Instant,
                     giveUp: () -> Bool) -> Bool {
        while ContinuousClock.now < deadline && !giveUp() {
            if isReady(process.spec) { return true }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return false
    }

    static func isReady(_ spec: ProcessSpec) -> Bool {
        switch spec.readiness {
        case .readyz:
            return answersReady(port: spec.port)
        case .readyzAndJoined:
            return answersReady(port: spec.port) && hasJoinedItsGroup(port: spec.port)
        case .listening:
            return accepts(port: spec.port)
        }
    }

    static func answersReady(port: Int) -> Bool {
        (try? HTTPClient().send(method: "GET", url: "http://127.0.0.1:\(port)/readyz", timeout: .seconds(1)))?.status == 200
    }

    /// A service serves HTTP before its consumer has joined its group (Kafka being down must not
    /// stop it), but "up" promises that an event can flow: so a service with a consumer is ready
    /// for devstack once its `consumer_joined` gauge says 1.
    static func hasJoinedItsGroup(port: Int) -> Bool {
        guard let answer = try? HTTPClient().send(method: "GET", url: "http://127.0.0.1:\(port)/metrics", timeout: .seconds(1)) else {
            return false
        }
        guard answer.status == 200 else { return true }   // no metrics: no consumer
        let joined = String(decoding: answer.body, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix("consumer_joined ") }
        return joined.map { $0.hasSuffix(" 1") } ?? true
    }

    /// True when something accepts TCP connections on 127.0.0.1:port.
    static func accepts(port: Int) -> Bool {
        withLoopbackSocket(port: port) { fd, address, length in connect(fd, address, length) == 0 }
    }

    /// True when devstack could listen on 127.0.0.1:port: nothing else holds it. A stale service
    /// left on a port would otherwise answer our readiness checks for the new one.
    static func isFree(port: Int) -> Bool {
        withLoopbackSocket(port: port) { fd, address, length in
            var reuse: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
            return bind(fd, address, length) == 0
        }
    }

    private static func withLoopbackSocket(port: Int, _ body: (Int32, UnsafePointer<sockaddr>, socklen_t) -> Bool) -> Bool {
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
}
