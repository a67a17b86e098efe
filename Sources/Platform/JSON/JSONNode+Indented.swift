extension JSONNode {
    /// The document for people to read and diff: two spaces per level, members in document order,
    /// an empty array or object on one line, and a newline at the end.
    public var indentedText: String {
        var out: [UInt8] = []
        writeIndented(to: &out, depth: 0)
        out.append(UInt8(ascii: "\n"))
        return String(decoding: out, as: UTF8.self)
    }

    private func writeIndented(to out: inout [UInt8], depth: Int) {
        func newline(_ depth: Int) {
            out.append(UInt8(ascii: "\n"))
            out += repeatElement(UInt8(ascii: " "), count: 2 * depth)
        }
        switch self {
        case .array(let elements) where !elements.isEmpty:
            out.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(depth + 1)
                element.writeIndented(to: &out, depth: depth + 1)
            }
            newline(depth)
            out.append(UInt8(ascii: "]"))
        case .object(let members) where !members.keys.isEmpty:
            out.append(UInt8(ascii: "{"))
            for (i, key) in members.distinctKeys.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(depth + 1)
                JSONText.appendString(key, to: &out)
                out += ": ".utf8
                members[key]!.writeIndented(to: &out, depth: depth + 1)
            }
            newline(depth)
            out.append(UInt8(ascii: "}"))
        case .array: out += "[]".utf8
        case .object: out += "{}".utf8
        default: out += canonicalBytes
        }
    }
}
