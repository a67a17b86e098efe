/// Reads the response to a client request, in whichever framing the server chose.
enum ResponseReader {
    static let maxHeadBytes = 64 * 1024
    static let maxHeaderCount = 200
    /// Protects the caller's memory from a runaway upstream (the gateway holds one answer per
    /// request in flight); service-to-service answers are far smaller.
    static let maxBodyBytes = 8 << 20

    /// Problems thrown here describe what is wrong with the response; the client reports them as
    /// malformed. `reusable`: the connection may carry another request (HTTP/1.1, not closing, and
    /// the body's end was known without the connection's).
    static func read(from reader: inout SocketReader, requestMethod: String,
                     until deadline: Deadline) throws -> (response: HTTPClientResponse, reusable: Bool) {
        while true {
            let head = try reader.readHead(maxStartLineBytes: nil, maxHeadBytes: maxHeadBytes, until: deadline)
            let lines = HTTPSyntax.lines(head[...])
            let (status, minorVersion) = try parseStatusLine(lines.first ?? [])
            let headers = try FieldLines.parse(Array(lines.dropFirst()), maxCount: maxHeaderCount)
            // Interim responses (a 100 Continue we did not ask for) precede the real one. 101 would
            // switch protocols, which this client never requests: relaying it would hand the
            // caller's connection to another protocol. Statuses outside 100–599 have no meaning.
            guard (100...599).contains(status), status != 101 else { throw Problem.badRequest("status \(status) is not a valid answer") }
            if status < 200 { continue }
            let (body, delimited) = try readBody(from: &reader, status: status, headers: headers,
                                                 requestMethod: requestMethod, until: deadline)
            let closing = HTTPSyntax.listElements(headers.values("Connection")).contains { $0.lowercased() == "close" }
            return (HTTPClientResponse(status: status, headers: headers, body: body), minorVersion == 1 && !closing && delimited)
        }
    }

    /// `HTTP/1.1 200 OK`; the reason phrase may be empty or missing. The status and the minor version.
    private static func parseStatusLine(_ line: ArraySlice<UInt8>) throws(Problem) -> (Int, UInt8) {
        let bytes = Array(line)
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        guard bytes.count >= 12, bytes.starts(with: "HTTP/1.".utf8), digits.contains(bytes[7]),
              bytes[8] == HTTPSyntax.space, bytes[9..<12].allSatisfy(digits.contains),
              bytes.count == 12 || bytes[12] == HTTPSyntax.space,
              let status = Int(String(decoding: bytes[9..<12], as: UTF8.self)) else {
            throw .badRequest("invalid status line")
        }
        return (status, bytes[7] - UInt8(ascii: "0"))
    }

    /// The body, and whether its end was known without the connection's.
    private static func readBody(from reader: inout SocketReader, status: Int, headers: HTTPHeaders,
                                 requestMethod: String, until deadline: Deadline) throws -> ([UInt8], Bool) {
        if requestMethod == "HEAD" || HTTPStatus.forbidsBody(status) { return ([], true) }
        let codings = headers.values("Transfer-Encoding")
        if !codings.isEmpty {
            try BodyFraming.checkChunkedIsFinal(codings)
            let limits = ChunkedBody.Limits(maxBodyBytes: maxBodyBytes, maxTrailerBytes: maxHeadBytes,
                                            maxTrailerCount: maxHeaderCount)
            return (try ChunkedBody.read(from: &reader, limits: limits, until: deadline), true)
        }
        if let length = try BodyFraming.contentLength(headers.values("Content-Length"), limit: maxBodyBytes) {
            return (try reader.readExactly(length, until: deadline), true)
        }
        guard let body = try reader.readToEnd(maxBytes: maxBodyBytes, until: deadline) else {
            throw Problem(status: 413, detail: "the body exceeds the limit of \(maxBodyBytes) bytes")
        }
        return (body, false)
    }
}
