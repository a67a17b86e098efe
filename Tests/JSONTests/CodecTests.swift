import Foundation
import JSON
import Testing

private enum Status: String, Codable { case placed = "Placed", confirmed = "Confirmed" }

private struct Line: Codable, Equatable { let sku: String, qty: Int }

private struct Order: Codable, Equatable {
    let id: Int
    let customer: String
    let status: Status
    let lines: [Line]
    let note: String?
    let tags: [String: Int]
    let ratio: Double
    let flags: [Bool]
    let big: Int64
    let huge: UInt64
    let when: Date
    let link: URL
    let blob: Data
}

private let order = Order(id: 12_345, customer: "Kim \"Mina\" \\ /path\n\t\u{1}é😀", status: .placed,
                          lines: [Line(sku: "A-1", qty: 2), Line(sku: "B-2", qty: 1)], note: nil,
                          tags: ["zeta": 1, "alpha": 2], ratio: 0.1, flags: [true, false], big: .min, huge: .max,
                          when: Date(timeIntervalSinceReferenceDate: 12.5), link: URL(string: "https://example.com/a?b=c")!,
                          blob: Data([0, 1, 2, 255]))

@Suite("JSON codec")
struct CodecTests {
    @Test("a value comes back equal, and the bytes are compact with keys sorted")
    func roundTrip() throws {
        let bytes = try JSONCodec.encode(order)
        #expect(try JSONCodec.decode(Order.self, from: bytes) == order)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix(#"{"big":-9223372036854775808,"blob":"AAEC/w==","customer":"Kim \"Mina\" \\ /path\n\t\u0001é😀","flags":[true,false],"huge":18446744073709551615,"id":12345,"#))
        #expect(text.hasSuffix(#""status":"Placed","tags":{"alpha":2,"zeta":1},"when":12.5}"#))
        #expect(!text.contains("note"), "a nil optional is left out, as JSONEncoder does")
    }

    @Test("Foundation's coders read what this one writes and the other way round")
    func agreesWithFoundation() throws {
        let ours = try JSONCodec.encode(order)
        #expect(try JSONDecoder().decode(Order.self, from: Data(ours)) == order)
        let theirs = try JSONEncoder().encode(order)
        #expect(try JSONCodec.decode(Order.self, from: theirs) == order)
        let sorted = JSONEncoder()
        sorted.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let line = Line(sku: "x/y", qty: 3)
        #expect(try JSONCodec.encode(line) == Array(try sorted.encode(line)), "same bytes for plain keys")
    }

    @Test("numbers: whole doubles lose their .0, integers are read exactly or refused")
    func numbers() throws {
        #expect(try JSONCodec.encode([100.0, 1.5, -0.25, 1e-7]) == Array("[100,1.5,-0.25,1e-07]".utf8))
        #expect(try JSONCodec.decode([Int].self, from: Array("[1e3, 1.0, -0]".utf8)) == [1000, 1, 0])
        #expect(try JSONCodec.decode(Double.self, from: Array("10".utf8)) == 10)
        #expect(throws: DecodingError.self) { try JSONCodec.decode(Int.self, from: Array("10.5".utf8)) }
        #expect(throws: DecodingError.self) { try JSONCodec.decode(Int.self, from: Array("9007199254740993.5".utf8)) }
        #expect(try JSONCodec.decode([Int64].self, from: Array("[-1.20e2, 12.5e1, 1e18, 5000e-3]".utf8)) == [-120, 125, 1_000_000_000_000_000_000, 5])
        #expect(throws: DecodingError.self) { try JSONCodec.decode(Int.self, from: Array("1e400".utf8)) }
        #expect(throws: DecodingError.self) { try JSONCodec.decode(Int.self, from: Array("1e-400".utf8)) }
        #expect(try JSONCodec.encode([Float(0.1), 3.4e38]) == Array("[0.1,3.4e+38]".utf8))
        #expect(throws: DecodingError.self) { try JSONCodec.decode(Float.self, from: Array("1e300".utf8)) }
        #expect(throws: DecodingError.self) { try JSONCodec.decode(Int8.self, from: Array("128".utf8)) }
        #expect(throws: DecodingError.self) { try JSONCodec.decode(UInt.self, from: Array("-1".utf8)) }
        #expect(throws: DecodingError.self) { try JSONCodec.decode(Int.self, from: Array("\"10\"".utf8)) }
        #expect(throws: DecodingError.self) { try JSONCodec.decode(Bool.self, from: Array("1".utf8)) }
    }

    @Test("NaN and infinity are refused with the path to the field")
    func nonFinite() throws {
        struct Reading: Encodable { let values: [Double] }
        do {
            _ = try JSONCodec.encode(Reading(values: [1, .nan]))
            Issue.record("NaN was encoded")
        } catch EncodingError.invalidValue(_, let context) {
            #expect(context.codingPath.map(\.stringValue) == ["values", "Index 1"])
        }
    }

    @Test("decoding errors name the field, as the HTTP layer's 400s need")
    func errorPaths() throws {
        #expect(path(#"{"lines":[{"sku":"a","qty":1},{"sku":"b"}]}"#) == ("keyNotFound", "lines.Index 1.qty"))
        #expect(path(#"{"lines":[{"sku":"a","qty":"1"}]}"#) == ("typeMismatch", "lines.Index 0.qty"))
        #expect(path(#"{"lines":[{"sku":null,"qty":1}]}"#) == ("valueNotFound", "lines.Index 0.sku"))
        #expect(path(#"{"lines":[{"sku":"a","qty":1.5}]}"#) == ("dataCorrupted", "lines.Index 0.qty"))
        #expect(path(#"{"lines":{}}"#) == ("typeMismatch", "lines"))
        #expect(path(#"{"lines":[}"#) == ("dataCorrupted", ""))
        #expect(path(#"{"lines":[{"sku":"a","qty":1}]}"#) == ("none", ""))
    }

    @Test("keys are sorted by their bytes: canonically equal spellings stay apart")
    func byteOrder() throws {
        // Å as U+212B and as U+00C5 are one key to a Swift Dictionary: written by hand.
        struct Spellings: Encodable {
            struct Key: CodingKey {
                let stringValue: String
                var intValue: Int? { nil }
                init(stringValue: String) { self.stringValue = stringValue }
                init?(intValue: Int) { nil }
            }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: Key.self)
                for (key, value) in [("\u{00D0}", 2), ("\u{212B}", 1), ("\u{00C5}", 3), ("b", 4), ("B", 5)] {
                    try c.encode(value, forKey: Key(stringValue: key))
                }
            }
        }
        #expect(String(decoding: try JSONCodec.encode(Spellings()), as: UTF8.self)
            == "{\"B\":5,\"b\":4,\"\u{00C5}\":3,\"\u{00D0}\":2,\"\u{212B}\":1}")
    }

    @Test("a key given twice: decoding and encoding both keep the last value")
    func duplicateKeys() throws {
        #expect(try JSONCodec.decode([String: Int].self, from: Array(#"{"a":1,"b":2,"a":3}"#.utf8)) == ["a": 3, "b": 2])
        struct Twice: Encodable {
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: Line.CodingKeys.self)
                try c.encode("first", forKey: .sku)
                try c.encode(1, forKey: .qty)
                try c.encode("second", forKey: .sku)
            }
        }
        #expect(try JSONCodec.encode(Twice()) == Array(#"{"qty":1,"sku":"second"}"#.utf8))
    }

    @Test("objects with many members are looked up by hash, with the same answers")
    func largeObject() throws {
        let dictionary = Dictionary(uniqueKeysWithValues: (0..<200).map { ("key\($0)", $0) })
        #expect(try JSONCodec.decode([String: Int].self, from: JSONCodec.encode(dictionary)) == dictionary)
        let node = try JSONNode(parsing: JSONCodec.encode(dictionary))
        guard case .object(let members) = node else { Issue.record("not an object"); return }
        #expect(members["key150"] == .number("150"))
        #expect(members["missing"] == nil)
    }
}

private struct Body: Decodable { let lines: [Line] }

/// What decoding `json` as `Body` fails with, and the coding path it names.
private func path(_ json: String) -> (kind: String, path: String) {
    func joined(_ keys: [any CodingKey]) -> String { keys.map(\.stringValue).joined(separator: ".") }
    do {
        _ = try JSONCodec.decode(Body.self, from: Array(json.utf8))
        return ("none", "")
    } catch {
        switch error as? DecodingError {
        case .keyNotFound(let key, let c)?: return ("keyNotFound", joined(c.codingPath + [key]))
        case .typeMismatch(_, let c)?: return ("typeMismatch", joined(c.codingPath))
        case .valueNotFound(_, let c)?: return ("valueNotFound", joined(c.codingPath))
        case .dataCorrupted(let c)?: return ("dataCorrupted", joined(c.codingPath))
        default: return ("\(error)", "")
        }
    }
}

extension Line {
    enum CodingKeys: String, CodingKey { case sku, qty }
}
