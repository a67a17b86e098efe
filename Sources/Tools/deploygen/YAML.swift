/// A YAML document as a tree, written in one canonical style that yamllint accepts: two-space
/// indents, sequences indented under their key, strings quoted unless they cannot be misread.
indirect enum YAML: Sendable {
    case map([(String, YAML)])
    case list([YAML])
    case string(String)
    case int(Int)
    case bool(Bool)
    /// A literal block (`|`), for scripts and files carried in a document.
    case block(String)

    /// Documents, each opened by `---`, after a comment (`# …` lines) if given.
    static func file(_ documents: [YAML], comment: String? = nil) -> String {
        var out = comment.map { $0.split(separator: "\n", omittingEmptySubsequences: false).map { "# \($0)".trimmingTrailingSpaces }.joined(separator: "\n") + "\n" } ?? ""
        for document in documents {
            out += "---\n"
            document.write(indent: 0, into: &out)
        }
        return out
    }

    private func write(indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        switch self {
        case .map(let pairs):
            for (key, value) in pairs {
                out += pad + Self.scalar(key) + ":"
                value.writeAfterKey(indent: indent, into: &out)
            }
        case .list(let items):
            for item in items {
                out += pad + "-"
                switch item {
                case .map(let pairs) where !pairs.isEmpty:
                    // The first pair on the dash's line, the rest under it.
                    var first = ""
                    YAML.map([pairs[0]]).write(indent: indent + 2, into: &first)
                    out += " " + first.dropFirst(indent + 2)
                    YAML.map(Array(pairs.dropFirst())).write(indent: indent + 2, into: &out)
                case .list(let inner) where !inner.isEmpty:
                    out += "\n"
                    item.write(indent: indent + 2, into: &out)
                default:
                    item.writeAfterKey(indent: indent, into: &out)
                }
            }
        default:
            out += pad
            writeAfterKey(indent: indent, into: &out)
        }
    }

    /// The value of a key (or of a dash) whose line is already started.
    private func writeAfterKey(indent: Int, into out: inout String) {
        switch self {
        case .map(let pairs) where pairs.isEmpty: out += " {}\n"
        case .list(let items) where items.isEmpty: out += " []\n"
        case .map: out += "\n"; write(indent: indent + 2, into: &out)
        case .list: out += "\n"; write(indent: indent + 2, into: &out)
        case .string(let s): out += " " + Self.scalar(s) + "\n"
        case .int(let i): out += " \(i)\n"
        case .bool(let b): out += b ? " true\n" : " false\n"
        case .block(let text):
            let pad = String(repeating: " ", count: indent + 2)
            out += text.hasSuffix("\n") ? " |\n" : " |-\n"
            for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0) {
                out += line.isEmpty ? "\n" : pad + line + "\n"
            }
        }
    }

    /// Plain when it reads back as the same string in YAML 1.1 and 1.2, double-quoted otherwise.
    static func scalar(_ s: String) -> String {
        let plain = s.first.map { $0.isLetter || $0 == "/" || $0 == "_" } ?? false
            && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_./-".contains($0)) }
            && !["true", "false", "yes", "no", "on", "off", "null", "y", "n"].contains(s.lowercased())
        if plain { return s }
        var quoted = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\t": quoted += "\\t"
            default: quoted.unicodeScalars.append(c)
            }
        }
        return quoted + "\""
    }
}

extension YAML: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .int(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(arrayLiteral elements: YAML...) { self = .list(elements) }
    /// In the order written: a literal's keys keep their order in the output.
    init(dictionaryLiteral elements: (String, YAML)...) { self = .map(elements) }
}

private extension String {
    var trimmingTrailingSpaces: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
