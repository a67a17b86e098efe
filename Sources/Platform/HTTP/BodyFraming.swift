/// How a request's body is delimited (RFC 9112 §6). Framing ambiguities are how requests get
/// smuggled past a proxy, so everything the spec calls invalid is rejected, never guessed at.
enum BodyFraming: Equatable {
    case none
    case contentLength(Int)
    case chunked

    init(requestHeaders headers: HTTPHeaders, maxBodyBytes: Int) throws(Problem) {
        let codings = headers.values("Transfer-Encoding")
        let lengths = headers.values("Content-Length")
        if !codings.isEmpty && !lengths.isEmpty {
            throw .badRequest("a request must not carry both Content-Length and Transfer-Encoding")
        }
        if !codings.isEmpty {
            try Self.checkChunkedIsFinal(codings)
            self = .chunked
        } else if let length = try Self.contentLength(lengths, limit: maxBodyBytes), length > 0 {
            self = .contentLength(length)
        } else {
            self = .none
        }
    }

    var hasBody: Bool { self != .none }

    /// Only `chunked` is implemented, and it must come last and once: otherwise the body's end is unknowable.
    static func checkChunkedIsFinal(_ values: [String]) throws(Problem) {
        let codings = HTTPSyntax.listElements(values).map { $0.lowercased() }
        guard codings.last == "chunked", codings.filter({ $0 == "chunked" }).count == 1 else {
            throw .badRequest("chunked must be the final transfer coding, applied once")
        }
        if let unknown = codings.first(where: { $0 != "chunked" }) {
            throw Problem(status: 501, detail: "transfer coding '\(unknown)' is not supported")
        }
    }

    /// The length announced by Content-Length fields, nil when there are none. Every value must be
    /// all digits (Swift's `Int("+5")` is 5; a proxy may disagree) and all values must agree.
    /// Over `limit` is a 413, decided before a byte of the body is read.
    static func contentLength(_ values: [String], limit: Int) throws(Problem) -> Int? {
        guard !values.isEmpty else { return nil }
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        let elements = values.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
            .map { HTTPSyntax.trimmingWhitespace(ArraySlice($0.utf8)) }
        guard elements.allSatisfy({ !$0.isEmpty && $0.allSatisfy(digits.contains) }) else {
            throw .badRequest("Content-Length must be a decimal number")
        }
        // Compared without leading zeros, so a value too long for Int still compares correctly.
        let normalized = Set(elements.map { $0.drop { $0 == UInt8(ascii: "0") } })
        guard normalized.count == 1, let value = normalized.first else {
            throw .badRequest("conflicting Content-Length values")
        }
        let text = value.isEmpty ? "0" : String(decoding: value, as: UTF8.self)
        guard text.count <= String(limit).count, let length = Int(text), length <= limit else {
            throw Problem(status: 413, detail: "a body of \(text) bytes exceeds the limit of \(limit) bytes")
        }
        return length
    }
}
