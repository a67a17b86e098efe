import HTTP

/// The request-target as the gateway routes and forwards it: one origin-form path that every hop
/// reads the same way.
/// - An absolute-form target (`http://host/path`, RFC 9112 §3.2.2) gives its path and query, and
///   its authority stands for the Host header.
/// - In the path, escapes of unreserved characters are decoded and the others' hex upper-cased
///   (RFC 3986 §6.2.2), so `/%62ookings` is routed as `/bookings`.
/// - An encoded `/` or `\`, a `\`, a malformed escape and a `.` or `..` segment are refused: a
///   service or a proxy further on could read them as another path than the one routed.
struct ForwardedTarget {
    /// Normalised path, what routes match.
    let path: String
    /// `path` and the query as received.
    let target: String
    /// The authority of an absolute-form target.
    let authority: String?
    /// Its scheme, `http` or `https`.
    let scheme: String?

    init(_ raw: String) throws(Problem) {
        var rest = Substring(raw.prefix { $0 != "#" })
        var authority: String?
        var scheme: String?
        if !rest.hasPrefix("/") {
            let lowered = rest.lowercased()
            guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://"), let separator = rest.range(of: "://") else {
                throw .badRequest("the request target must be a path, e.g. /bookings")
            }
            scheme = lowered.hasPrefix("https") ? "https" : "http"
            let afterScheme = rest[separator.upperBound...]
            let host = afterScheme.prefix { $0 != "/" && $0 != "?" }
            // It stands for Host, so it must be one: services put it in every link they answer with.
            guard !host.isEmpty, HTTPSyntax.isHost(String(host)) else { throw .badRequest("the request target's authority is invalid") }
            authority = String(host)
            rest = afterScheme[host.endIndex...]
            if !rest.hasPrefix("/") { rest = "/" + rest }
        }
        let query = rest.firstIndex(of: "?").map { rest[$0...] } ?? ""
        path = try Self.normalised(rest[..<(rest.firstIndex(of: "?") ?? rest.endIndex)])
        target = path + query
        self.authority = authority
        self.scheme = scheme
    }

    private static func normalised(_ path: Substring) throws(Problem) -> String {
        let bytes = Array(path.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") { throw .badRequest("the path must not contain a backslash") }
            guard byte == UInt8(ascii: "%") else {
                out.append(byte)
                index += 1
                continue
            }
            guard index + 2 < bytes.count, let high = PercentDecoding.hexValue(bytes[index + 1]), let low = PercentDecoding.hexValue(bytes[index + 2]) else {
                throw .badRequest("the path has a malformed percent-escape")
            }
            let decoded = high << 4 | low
            if decoded == UInt8(ascii: "/") || decoded == UInt8(ascii: "\\") {
                throw .badRequest("the path must not contain an encoded slash or backslash")
            }
            if isUnreserved(decoded) {
                out.append(decoded)
            } else {
                let upper = { (digit: UInt8) in (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(digit) ? digit - 32 : digit }
                out += [UInt8(ascii: "%"), upper(bytes[index + 1]), upper(bytes[index + 2])]
            }
            index += 3
        }
        let normal = String(decoding: out, as: UTF8.self)
        if normal.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == "." || $0 == ".." }) {
            throw .badRequest("the path must not contain . or .. segments")
        }
        return normal
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: "-._~".utf8.contains(byte)
        }
    }
}
