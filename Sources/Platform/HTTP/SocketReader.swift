/// Buffers what a socket has delivered but the parser has not consumed yet. Reads run ahead of the
/// parser, so whatever follows the current message (a pipelined request) waits here for the next one.
struct SocketReader {
    let socket: Socket
    private var storage: [UInt8] = []
    /// Index in `storage` of the first unconsumed byte.
    private var start = 0
    private var scratch = [UInt8](repeating: 0, count: 16 * 1024)

    init(socket: Socket) {
        self.socket = socket
    }

    var isEmpty: Bool { start == storage.count }
    /// True until the first byte arrives.
    private(set) var receivedNothing = true

    /// Waits for at least one more byte.
    mutating func receiveMore(until deadline: Deadline) throws(SocketError) {
        if start == storage.count {
            storage.removeAll(keepingCapacity: true)
            start = 0
        } else if start > storage.count / 2 {
            storage.removeFirst(start)
            start = 0
        }
        let count = try receiveIntoScratch(until: deadline)
        storage.append(contentsOf: scratch[..<count])
        receivedNothing = false
    }

    /// Takes what has arrived, without waiting; nothing if nothing has.
    mutating func receiveArrived() throws(SocketError) {
        do {
            try receiveMore(until: .now)
        } catch .timedOut {
        }
    }

    /// Reads what has arrived, without waiting, and throws it away; returns how many bytes.
    mutating func discardArrived() throws(SocketError) -> Int {
        do {
            return try receiveIntoScratch(until: .now)
        } catch .timedOut {
            return 0
        }
    }

    /// At least one byte into `scratch`; how many.
    private mutating func receiveIntoScratch(until deadline: Deadline) throws(SocketError) -> Int {
        let socket = socket
        // withUnsafeMutableBytes only rethrows untyped errors; a Result keeps the error's type.
        return try scratch.withUnsafeMutableBytes { buffer in
            Result { () throws(SocketError) in try socket.receive(into: buffer, deadline: deadline) }
        }.get()
    }

    /// True once `readHead` can parse or refuse what the buffer holds without waiting: the empty
    /// line that ends a head is in, or `maxHeadBytes`, or a start line already over
    /// `maxStartLineBytes`. Leading empty lines are skipped as `readHead` skips them.
    func holdsHead(maxStartLineBytes: Int, maxHeadBytes: Int) -> Bool {
        let (cr, lf) = (HTTPSyntax.cr, HTTPSyntax.lf)
        if storage.count - start >= maxHeadBytes { return true }
        var lineStart = start
        while lineStart + 1 < storage.count && storage[lineStart] == cr && storage[lineStart + 1] == lf { lineStart += 2 }
        var index = lineStart
        var sawStartLine = false
        while index + 1 < storage.count {
            if storage[index] == cr && storage[index + 1] == lf {
                if sawStartLine && index == lineStart { return true }
                sawStartLine = true
                index += 2
                lineStart = index
            } else {
                if !sawStartLine && index - lineStart > maxStartLineBytes { return true }
                index += 1
            }
        }
        return !sawStartLine && index - lineStart > maxStartLineBytes
    }

    private mutating func consume(_ count: Int) -> [UInt8] {
        defer { start += count }
        return Array(storage[start..<start + count])
    }

    mutating func readExactly(_ count: Int, until deadline: Deadline) throws(SocketError) -> [UInt8] {
        while storage.count - start < count { try receiveMore(until: deadline) }
        return consume(count)
    }

    /// Everything until the peer closes, as long as it stays within `maxBytes`; nil if it does not.
    mutating func readToEnd(maxBytes: Int, until deadline: Deadline) throws(SocketError) -> [UInt8]? {
        while storage.count - start <= maxBytes {
            do {
                try receiveMore(until: deadline)
            } catch .closed {
                return consume(storage.count - start)
            }
        }
        return nil
    }

    /// One CRLF-terminated line without its CRLF, or nil when it would exceed `maxBytes`.
    mutating func readLine(maxBytes: Int, until deadline: Deadline) throws(SocketError) -> [UInt8]? {
        var scanned = 0
        while true {
            let available = storage.count - start
            while scanned + 1 < min(available, maxBytes + 2) {
                if storage[start + scanned] == HTTPSyntax.cr && storage[start + scanned + 1] == HTTPSyntax.lf {
                    defer { start += 2 }
                    return consume(scanned)
                }
                scanned += 1
            }
            if available >= maxBytes + 2 { return nil }
            try receiveMore(until: deadline)
        }
    }

    /// Reads a message head: its start line and field lines, each ending in CRLF, up to the empty
    /// line that ends the head. Returns them without that empty line. Empty lines before the start
    /// line are skipped (RFC 9112 §2.2): some clients send a stray CRLF after a body.
    ///
    /// Limits are checked as bytes arrive, so an endless head costs at most its limit in memory:
    /// a start line over `maxStartLineBytes` is a 414, a head over `maxHeadBytes` a 431.
    mutating func readHead(maxStartLineBytes: Int?, maxHeadBytes: Int, until deadline: Deadline) throws -> [UInt8] {
        var scanned = 0  // bytes of the head examined so far, relative to `start`
        var lineStart = 0
        var sawStartLine = false
        while true {
            while scanned + 1 < min(storage.count - start, maxHeadBytes) {
                guard storage[start + scanned] == HTTPSyntax.cr && storage[start + scanned + 1] == HTTPSyntax.lf else {
                    scanned += 1
                    continue
                }
                let lineEnd = scanned
                scanned += 2
                if !sawStartLine && lineEnd == 0 {
                    start += 2
                    scanned = 0
                    continue
                }
                if !sawStartLine, let maxStartLineBytes, lineEnd > maxStartLineBytes {
                    throw Problem(status: 414, detail: "the request line exceeds \(maxStartLineBytes) bytes")
                }
                if sawStartLine && lineEnd == lineStart {
                    defer { start += 2 }
                    return consume(lineEnd)
                }
                sawStartLine = true
                lineStart = scanned
            }
            let available = storage.count - start
            if !sawStartLine, let maxStartLineBytes, available >= maxStartLineBytes + 2 {
                throw Problem(status: 414, detail: "the request line exceeds \(maxStartLineBytes) bytes")
            }
            if available >= maxHeadBytes {
                throw Problem(status: 431, detail: "the message head exceeds \(maxHeadBytes) bytes")
            }
            try receiveMore(until: deadline)
        }
    }
}
