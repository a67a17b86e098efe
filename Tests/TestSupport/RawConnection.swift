import Foundation
import Glibc
import HTTP

public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}

/// A response as read off the wire by `RawConnection`.
public struct RawResponse {
    public let status: Int
    public let headers: HTTPHeaders
    public let body: [UInt8]

    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// A client socket to 127.0.0.1 that sends exactly the bytes a test gives it, so requests no
/// well-behaved client would send can be tested. Every read is bounded by a timeout.
public final class RawConnection {
    public let fd: Int32
    private var received: [UInt8] = []
    private var peerClosed = false

    /// `receiveBufferSize` shrinks the socket's receive buffer, to make a server's send block.
    public init(port: Int, receiveBufferSize: Int32? = nil) throws(TestFailure) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure(description: "socket failed") }
        if var size = receiveBufferSize {
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in.loopback(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let error = errno
            close(fd)
            throw TestFailure(description: "connect failed: errno \(error)")
        }
    }

    deinit {
        close(fd)
    }

    /// False if the server already closed the connection.
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            offset += count
        }
        return true
    }

    @discardableResult
    public func send(_ text: String) -> Bool {
        send(Array(text.utf8))
    }

    /// Tells the server no more bytes are coming.
    public func finishSending() {
        shutdown(fd, Int32(SHUT_WR))
    }

    /// The next response, or nil if none arrives complete within `timeout`. `bodyless` is for
    /// answers to HEAD, which announce a length but carry no body.
    public func readResponse(timeout: Duration = .seconds(5), bodyless: Bool = false) -> RawResponse? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let response = takeResponse(bodyless: bodyless) { return response }
            guard receive(until: deadline) else { return nil }
        }
    }

    /// Exactly `count` bytes, or nil if they do not arrive within `timeout`.
    public func read(count: Int, timeout: Duration = .seconds(5)) -> [UInt8]? {
        let deadline = ContinuousClock.now + timeout
        while received.count < count {
            guard receive(until: deadline) else { return nil }
        }
        defer { received.removeFirst(count) }
        return Array(received[..<count])
    }

    /// Everything until the server closes, or until `timeout`.
    public func readUntilClosed(timeout: Duration = .seconds(5)) -> [UInt8] {
        let deadline = ContinuousClock.now + timeout
        while receive(until: deadline) {}
        defer { received.removeAll() }
        return received
    }

    /// True if the server closes the connection within `timeout` without sending anything more.
    public func isClosedByServer(within timeout: Duration = .seconds(5)) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while receive(until: deadline) {}
        return peerClosed && received.isEmpty
    }

    /// Appends what arrives before `deadline`; false once the peer closed or the deadline passed.
    private func receive(until deadline: ContinuousClock.Instant) -> Bool {
        guard !peerClosed else { return false }
        let remaining = ContinuousClock.now.duration(to: deadline)
        guard remaining > .zero else { return false }
        var request = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
        guard poll(&request, 1, milliseconds) > 0 else { return ContinuousClock.now < deadline }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count < 0 && errno == EINTR { return true }
        guard count > 0 else {
            peerClosed = true
            return false
        }
        received += chunk[..<count]
        return true
    }

    private func takeResponse(bodyless: Bool) -> RawResponse? {
        guard let headEnd = received.firstRange(of: [13, 10, 13, 10]) else { return nil }
        let lines = String(decoding: received[..<headEnd.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { return nil }
        var headers: HTTPHeaders = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let hasBody = !bodyless && status >= 200 && status != 204 && status != 304
        let length = hasBody ? Int(headers["Content-Length"] ?? "0") ?? 0 : 0
        guard received.count - headEnd.upperBound >= length else { return nil }
        let body = Array(received[headEnd.upperBound..<headEnd.upperBound + length])
        received.removeFirst(headEnd.upperBound + length)
        return RawResponse(status: status, headers: headers, body: body)
    }
}

extension sockaddr_in {
    public static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}
