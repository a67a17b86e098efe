import Glibc

extension Socket {
    /// Connects to the first address of `host` that accepts, within `deadline`. Name resolution
    /// itself cannot be bounded (getaddrinfo has no timeout); our services use IPs and cluster DNS.
    static func connect(host: String, port: Int, until deadline: Deadline) throws(SocketError) -> Socket {
        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICSERV
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var addresses: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &addresses)
        guard status == 0 else { throw .system("cannot resolve \(host): \(String(cString: gai_strerror(status)))") }
        defer { freeaddrinfo(addresses) }

        var failure = SocketError.system("no address for \(host)")
        var next = addresses
        while let address = next?.pointee {
            next = address.ai_next
            let fd = socket(address.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else {
                failure = .failed("socket")
                continue
            }
            let socket = Socket(fd: fd)
            Socket.configure(fd)
            do {
                try socket.finishConnect(to: address, until: deadline)
                return socket
            } catch .timedOut {
                socket.close()
                throw .timedOut
            } catch {
                socket.close()
                failure = .system("connect to \(host):\(port): \(error)")
            }
        }
        throw failure
    }

    /// A non-blocking connect reports completion as writability, and its result in SO_ERROR.
    private func finishConnect(to address: addrinfo, until deadline: Deadline) throws(SocketError) {
        if Glibc.connect(fd, address.ai_addr, address.ai_addrlen) == 0 { return }
        guard errno == EINPROGRESS || errno == EINTR else { throw .failed("connect") }
        try wait(for: POLLOUT, until: deadline)
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 else { throw .failed("getsockopt") }
        guard error == 0 else { throw .system(String(cString: strerror(error))) }
    }
}
