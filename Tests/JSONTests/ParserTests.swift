import Foundation
import JSON
import TestSupport
import Testing

@Suite("JSON parser")
struct ParserTests {
    @Test("RFC 8259's grammar is enforced", arguments: [
        "", " ", "{", "[1,]", "{\"a\":1,}", "{'a':1}", "{a:1}", "01", "1.", ".5", "+1", "-", "1e", "1e+",
        "NaN", "Infinity", "tru", "nul", "\"abc", "\"a\u{1}b\"", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"",
        "\"\\udc00x\"", "[1 2]", "{\"a\" 1}", "1 2", "[] x", "\u{feff}", "\u{feff}\u{feff}1", " \u{feff}1", "1\u{feff}",
    ])
    func refused(text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONNode(parsing: Array(text.utf8)) }
    }

    @Test("invalid UTF-8 in a string is refused")
    func invalidUTF8() {
        #expect(throws: JSONSyntaxError.self) { try JSONNode(parsing: [0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: JSONSyntaxError.self) { try JSONNode(parsing: [0x22, 0x5C, 0x6E, 0xFF, 0x22]) }
    }

    @Test("escapes, surrogate pairs and whitespace are read as written")
    func accepted() throws {
        let node = try JSONNode(parsing: Array(#" {"a" : [ "\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00" , -0 , 1E+2 ] } "#.utf8))
        guard case .object(let members) = node else { Issue.record("not an object: \(node)"); return }
        #expect(members.keys == ["a"])
        #expect(members["a"] == .array([.string("\"\\/\u{8}\u{c}\n\r\té😀"), .number("-0"), .number("1E+2")]))
        #expect(try JSONNode(parsing: Array("null".utf8)) == .null)
        #expect(try JSONNode(parsing: Array("\"plain\"".utf8)) == .string("plain"))
        #expect(try JSONNode(parsing: Array("\u{feff}[1]".utf8)) == .array([.number("1")]), "a leading byte order mark is skipped")
    }

    @Test("the canonical form: compact, keys once in byte order with their last value, strings escaped one way")
    func canonical() throws {
        let node = try JSONNode(parsing: Array(#" { "b" : [ 1 , {"z":null,"a":true} ], "a\u00e9" : "\/x" , "b" : [1.0, {"a":true,"z":null}] } "#.utf8))
        #expect(String(decoding: node.canonicalBytes, as: UTF8.self) == #"{"aé":"/x","b":[1.0,{"a":true,"z":null}]}"#)
        let reordered = try JSONNode(parsing: Array(#"{"b":[1.0,{"z":null,"a":true}],"aé":"/x"}"#.utf8))
        #expect(reordered.canonicalBytes == node.canonicalBytes)
    }

    @Test("nesting is bounded, so a hostile document cannot exhaust the stack")
    func depth() throws {
        let deep = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        _ = try JSONNode(parsing: Array(deep.utf8))
        let tooDeep = String(repeating: "[", count: 100_000)
        #expect(throws: JSONSyntaxError.self) { try JSONNode(parsing: Array(tooDeep.utf8)) }
    }

    @Test("random documents parse to what Foundation parses them to")
    func randomDocuments() throws {
        var generator = SeededGenerator(seed: 0x5EED)
        for _ in 0..<300 {
            let value = randomValue(depth: 0, &generator)
            let bytes = try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed])
            let node = try JSONNode(parsing: bytes)
            let again = try JSONSerialization.jsonObject(with: bytes, options: [.fragmentsAllowed])
            #expect(same(node, again), "\(String(decoding: bytes, as: UTF8.self))")
        }
    }

    private func same(_ node: JSONNode, _ value: Any) -> Bool {
        switch (node, value) {
        case (.null, is NSNull): true
        case (.string(let a), let b as String): a == b
        case (.bool(let a), let b as NSNumber): a == b.boolValue
        case (.number(let a), let b as NSNumber): abs(Double(a)! - b.doubleValue) <= abs(b.doubleValue) * 1e-15
        case (.array(let a), let b as [Any]): a.count == b.count && zip(a, b).allSatisfy(same)
        case (.object(let a), let b as [String: Any]):
            Set(a.distinctKeys) == Set(b.keys) && b.allSatisfy { key, value in a[key].map { same($0, value) } ?? false }
        default: false
        }
    }

    private func randomValue(depth: Int, _ g: inout SeededGenerator) -> Any {
        switch g.next() % (depth > 3 ? 4 : 6) {
        case 0: return NSNull()
        case 1: return g.next() % 2 == 0
        case 2: return g.next() % 3 == 0 ? Double(Int64(bitPattern: g.next()) % 1_000_000) / 7 : Int(Int64(bitPattern: g.next()) >> 8)
        case 3: return randomString(&g)
        case 4: return (0..<Int(g.next() % 5)).map { _ in randomValue(depth: depth + 1, &g) }
        default: return Dictionary((0..<Int(g.next() % 5)).map { _ in (randomString(&g), randomValue(depth: depth + 1, &g)) },
                                   uniquingKeysWith: { a, _ in a })
        }
    }

    private func randomString(_ g: inout SeededGenerator) -> String {
        let alphabet: [Character] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\u{1}", "\u{7f}", "é", "한", "😀", "\u{2028}"]
        return String((0..<Int(g.next() % 8)).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] })
    }
}
