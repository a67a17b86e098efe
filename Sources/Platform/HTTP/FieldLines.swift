/// Parses header and trailer field lines (RFC 9112 §5), rejecting every form that two parsers
/// could read differently: that disagreement is what request smuggling exploits.
enum FieldLines {
    static func parse(_ lines: [ArraySlice<UInt8>], maxCount: Int) throws(Problem) -> HTTPHeaders {
        guard lines.count <= maxCount else {
            throw Problem(status: 431, detail: "more than \(maxCount) header fields")
        }
        var fields: [(name: String, value: String)] = []
        fields.reserveCapacity(lines.count)
        for line in lines {
            fields.append(try parseLine(line))
        }
        return HTTPHeaders(fields: fields)
    }

    private static func parseLine(_ line: ArraySlice<UInt8>) throws(Problem) -> (name: String, value: String) {
        if let first = line.first, HTTPSyntax.isWhitespace(first) {
            throw .badRequest("obsolete line folding (a header line starting with whitespace) is not allowed")
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            throw .badRequest("header line without a colon")
        }
        let name = line[..<colon]
        if let last = name.last, HTTPSyntax.isWhitespace(last) {
            throw .badRequest("whitespace between a header name and its colon is not allowed")
        }
        guard HTTPSyntax.isToken(name) else { throw .badRequest("invalid header name") }
        let nameText = String(decoding: name, as: UTF8.self)
        let value = HTTPSyntax.trimmingWhitespace(line[(colon + 1)...])
        guard value.allSatisfy(HTTPSyntax.isFieldValueByte) else {
            throw .badRequest("header '\(nameText)' contains a control character (CR, LF, NUL or another)")
        }
        return (nameText, String(decoding: value, as: UTF8.self))
    }
}
