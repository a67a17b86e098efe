enum HTTPVersion {
    case http1_0
    case http1_1
}

/// A request's start line and header fields, validated.
struct RequestHead {
    let method: String
    let target: String
    let version: HTTPVersion
    let headers: HTTPHeaders

    /// HTTP/1.1 connections persist unless either side says `close`; HTTP/1.0 ones only on
    /// request, and `close` wins over `keep-alive` when a client sends both.
    var wantsKeepAlive: Bool {
        let options = HTTPSyntax.listElements(headers.values("Connection")).map { $0.lowercased() }
        if options.contains("close") { return false }
        return version == .http1_1 || options.contains("keep-alive")
    }

    /// HTTP/1.0 clients cannot expect a 100 Continue (RFC 9110 §10.1.1).
    var expectsContinue: Bool {
        version == .http1_1 && headers.values("Expect").contains { $0.equalsIgnoringASCIICase("100-continue") }
    }

    /// Parses a head as returned by `SocketReader.readHead`.
    init(parsing head: [UInt8], maxHeaderCount: Int) throws(Problem) {
        let lines = HTTPSyntax.lines(head[...])
        guard let requestLine = lines.first else { throw .badRequest("missing request line") }
        (method, target, version) = try Self.parseRequestLine(requestLine)
        headers = try FieldLines.parse(Array(lines.dropFirst()), maxCount: maxHeaderCount)
        // Host names the resource on HTTP/1.1 (RFC 9112 §3.2); two of them would let a proxy and
        // us route the same request to different places.
        let hosts = headers.values("Host")
        if version == .http1_1 && hosts.isEmpty { throw .badRequest("missing Host header") }
        if hosts.count > 1 { throw .badRequest("more than one Host header") }
        if let host = hosts.first, !HTTPSyntax.isHost(host) { throw .badRequest("invalid Host header") }
    }

    private static func parseRequestLine(_ line: ArraySlice<UInt8>) throws(Problem) -> (String, String, HTTPVersion) {
        let parts = line.split(separator: HTTPSyntax.space, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .badRequest("malformed request line") }
        let (method, target, version) = (parts[0], parts[1], parts[2])
        guard HTTPSyntax.isToken(method) else { throw .badRequest("malformed request line: invalid method") }
        guard !target.isEmpty, target.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw .badRequest("malformed request line: invalid request target")
        }
        let methodText = String(decoding: method, as: UTF8.self)
        let targetText = String(decoding: target, as: UTF8.self)
        guard isAcceptedForm(target: targetText, method: methodText) else {
            throw .badRequest("request target must be a path such as /items")
        }
        return (methodText, targetText, try parseVersion(version))
    }

    /// Origin form (`/path?query`), absolute form (`http://host/path`) and `OPTIONS *`.
    /// CONNECT's authority form is refused: this server is no proxy.
    private static func isAcceptedForm(target: String, method: String) -> Bool {
        target.hasPrefix("/") || (target == "*" && method == "OPTIONS")
            || target.lowercased().hasPrefix("http://") || target.lowercased().hasPrefix("https://")
    }

    private static func parseVersion(_ text: ArraySlice<UInt8>) throws(Problem) -> HTTPVersion {
        let bytes = Array(text)
        let isDigit = { (byte: UInt8) in (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        guard bytes.count == 8, bytes.starts(with: "HTTP/".utf8), isDigit(bytes[5]),
              bytes[6] == UInt8(ascii: "."), isDigit(bytes[7]) else {
            throw .badRequest("malformed request line: invalid HTTP version")
        }
        switch (bytes[5], bytes[7]) {
        case (UInt8(ascii: "1"), UInt8(ascii: "1")): return .http1_1
        case (UInt8(ascii: "1"), UInt8(ascii: "0")): return .http1_0
        default: throw Problem(status: 505, detail: "\(String(decoding: bytes, as: UTF8.self)) is not supported; use HTTP/1.1")
        }
    }
}
