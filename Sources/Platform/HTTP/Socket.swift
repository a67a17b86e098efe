import Glibc

/// A connected TCP socket in non-blocking mode. Threads still block, but in poll(2), which lets
/// every wait end at its deadline; a blocking send could hang far past one.
/// The descriptor is closed explicitly, by whoever owns the connection.
struct Socket: Sendable {
    let fd: Int32

    /// Puts an accepted or new descriptor into the mode every other method expects.
    static func configure(_ fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        // A response is written with one send; Nagle's algorithm would only hold back the last segment.
        var on: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
    }

    /// The peer's IP address (`192.0.2.1`, `2001:db8::1`), nil when it cannot be told.
    func peerAddress() -> String? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let known = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) == 0 }
        }
        guard known else { return nil }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = Int32(storage.ss_family)
        let written: UnsafePointer<CChar>? = withUnsafePointer(to: &storage) { pointer in
            switch family {
            case AF_INET:
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    withUnsafePointer(to: address.pointee.sin_addr) { inet_ntop(AF_INET, $0, &text, socklen_t(text.count)) }
                }
            case AF_INET6:
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    withUnsafePointer(to: address.pointee.sin6_addr) { inet_ntop(AF_INET6, $0, &text, socklen_t(text.count)) }
                }
            default: nil
            }
        }
        return written == nil ? nil : String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Reads at least one byte into `buffer` and returns how many.
    func receive(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline) throws(SocketError) -> Int {
        while true {
            let count = recv(fd, buffer.baseAddress, buffer.count, 0)
            if count > 0 { return count }
            if count == 0 { throw .closed }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: try wait(for: POLLIN, until: deadline)
            case ECONNRESET: throw .closed
            default: throw .failed("recv")
            }
        }
    }

    /// Sends every byte, however many calls short writes take.
    func send(_ bytes: [UInt8], deadline: Deadline) throws(SocketError) {
        var offset = 0
        while offset < bytes.count {
            // MSG_NOSIGNAL: a peer that has gone must cost an EPIPE, not a SIGPIPE that kills the process.
            let count = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if count >= 0 {
                offset += count
                continue
            }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: try wait(for: POLLOUT, until: deadline)
            case EPIPE, ECONNRESET: throw .closed
            default: throw .failed("send")
            }
        }
    }

    /// Returns once `events` (or an error or hang-up, which the next call reports) is pending.
    func wait(for events: Int32, until deadline: Deadline) throws(SocketError) {
        while true {
            guard let timeout = deadline.pollTimeout else { throw .timedOut }
            var request = pollfd(fd: fd, events: Int16(events), revents: 0)
            let ready = poll(&request, 1, timeout)
            if ready > 0 { return }
            if ready < 0 && errno != EINTR { throw .failed("poll") }
        }
    }

    func close() {
        _ = Glibc.close(fd)
    }
}
