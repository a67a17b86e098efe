import Glibc

/// Byte classes and small scanners shared by the request and response parsers (RFC 9110 §5.6).
package enum HTTPSyntax {
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let crlf: [UInt8] = [cr, lf]

    /// `tchar`: the bytes allowed in methods, header names and transfer-coding names.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    static func isToken<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy(isTokenByte)
    }

    /// Field values may hold visible ASCII, tabs, spaces and obs-text, but no other control byte:
    /// a CR, LF or NUL that slipped through would let one party see a header the other does not.
    static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte == tab || (byte >= 0x20 && byte != 0x7F)
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == space || byte == tab
    }

    static func trimmingWhitespace(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard let first = bytes.firstIndex(where: { !isWhitespace($0) }),
              let last = bytes.lastIndex(where: { !isWhitespace($0) }) else { return [] }
        return bytes[first...last]
    }

    /// Splits on CRLF only. A bare CR or LF stays inside its line, where the validators reject it;
    /// treating it as a line break would read a header that a stricter proxy in front of us did not.
    static func lines(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var lineStart = bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == cr, index + 1 < bytes.endIndex, bytes[index + 1] == lf {
                result.append(bytes[lineStart..<index])
                index += 2
                lineStart = index
            } else {
                index += 1
            }
        }
        if lineStart < bytes.endIndex { result.append(bytes[lineStart...]) }
        return result
    }

    /// `uri-host [ ":" port ]` (RFC 9112 §3.2, RFC 3986 §3.2.2): a name of unreserved,
    /// percent-encoded and sub-delimiter bytes, or a bracketed IP literal; empty is allowed. An
    /// IPv6 zone (`%25eth0`, RFC 6874) is not a host: clients must strip it before sending.
    package static func isHost(_ value: String) -> Bool {
        var rest = Substring(value)
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]"), isIPLiteral(rest[rest.index(after: rest.startIndex)..<close]) else { return false }
            rest = rest[rest.index(after: close)...]
        } else {
            let name = rest.prefix { $0 != ":" }
            guard isRegName(name) else { return false }
            rest = rest[name.endIndex...]
        }
        guard !rest.isEmpty else { return true }
        return rest.first == ":" && rest.dropFirst().utf8.allSatisfy(isDigit)
    }

    /// What is between the brackets: an IPv6 address, or `IPvFuture` (`v` HEXDIG+ `.` and
    /// unreserved, sub-delimiters or `:`).
    private static func isIPLiteral(_ literal: Substring) -> Bool {
        if literal.first == "v" || literal.first == "V" {
            let afterV = literal.dropFirst()
            guard let dot = afterV.firstIndex(of: ".") else { return false }
            let version = afterV[..<dot], rest = afterV[afterV.index(after: dot)...]
            return !version.isEmpty && version.utf8.allSatisfy { PercentDecoding.hexValue($0) != nil }
                && !rest.isEmpty && rest.utf8.allSatisfy { $0 == UInt8(ascii: ":") || isUnreservedByte($0) || isSubDelimiter($0) }
        }
        // inet_pton would stop at a NUL; an address has only these bytes.
        guard literal.utf8.allSatisfy({ PercentDecoding.hexValue($0) != nil || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") }) else {
            return false
        }
        var bytes = in6_addr()
        return inet_pton(AF_INET6, String(literal), &bytes) == 1
    }

    /// `reg-name = *( unreserved / pct-encoded / sub-delims )`, escapes well formed.
    private static func isRegName(_ name: Substring) -> Bool {
        let bytes = Array(name.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, PercentDecoding.hexValue(bytes[index + 1]) != nil,
                      PercentDecoding.hexValue(bytes[index + 2]) != nil else { return false }
                index += 3
            } else {
                guard isUnreservedByte(bytes[index]) || isSubDelimiter(bytes[index]) else { return false }
                index += 1
            }
        }
        return true
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private static func isUnreservedByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "-._~".utf8.contains(byte)
        }
    }

    private static func isSubDelimiter(_ byte: UInt8) -> Bool { "!$&'()*+,;=".utf8.contains(byte) }

    /// The comma-separated elements of list-valued fields (RFC 9110 §5.6.1), trimmed, empty ones dropped.
    static func listElements(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",") }
            .map { String(decoding: trimmingWhitespace(ArraySlice($0.utf8)), as: UTF8.self) }
            .filter { !$0.isEmpty }
    }
}

extension String {
    func equalsIgnoringASCIICase(_ other: String) -> Bool {
        utf8.count == other.utf8.count && zip(utf8, other.utf8).allSatisfy { lowercasedASCII($0) == lowercasedASCII($1) }
    }
}

private func lowercasedASCII(_ byte: UInt8) -> UInt8 {
    (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
}
