@testable import Chassis
import Foundation
import JSON
import Kafka
import Testing

private enum Colour: String, Codable, CaseIterable { case red, green }
private enum Size: String, Codable { case small, large }   // not CaseIterable
private struct Inner: Codable { let code: String }
private struct Sample: Codable {
    let id: Int, name: String, ratio: Double, active: Bool, colour: Colour
    let note: String?, tags: [Int], inner: Inner, counts: [String: Int]
}
private struct Sized: Codable { let size: Size }
/// Hand-written: a key it asks `contains` about is optional; nested containers; Foundation's own types.
private struct HandWritten: Decodable {
    enum Keys: String, CodingKey { case maybe, point, list, id, at, link, blob, x, y }
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        if c.contains(.maybe) { _ = try c.decode(Int.self, forKey: .maybe) }
        let point = try c.nestedContainer(keyedBy: Keys.self, forKey: .point)
        _ = try point.decode(Int.self, forKey: .x)
        _ = try point.decodeIfPresent(Int.self, forKey: .y)
        var list = try c.nestedUnkeyedContainer(forKey: .list)
        _ = try list.decode(String.self)
        _ = try c.decode(UUID.self, forKey: .id)
        _ = try c.decode(Date.self, forKey: .at)
        _ = try c.decode(URL.self, forKey: .link)
        _ = try c.decode(Data.self, forKey: .blob)
    }
}

private func json(_ text: String) throws -> JSONNode { try JSONNode(parsing: Array(text.utf8)) }

@Suite("Contracts: schemas learnt from the code, and values checked against them")
struct ContractSchemaTests {
    @Test("decoding a type once gives each key, whether it is required, its type, an enumeration's strings, arrays, nested objects and maps")
    func learnsTheShape() throws {
        let schema = try DecodedSchema.of(Sample.self)
        #expect(schema == (try json("""
            {"type":"object","required":["id","name","ratio","active","colour","tags","inner","counts"],"properties":{
              "id":{"type":"integer"},"name":{"type":"string"},"ratio":{"type":"number"},"active":{"type":"boolean"},
              "colour":{"type":"string","enum":["red","green"]},"note":{"type":"string"},
              "tags":{"type":"array","items":{"type":"integer"}},
              "inner":{"type":"object","properties":{"code":{"type":"string"}},"required":["code"]},
              "counts":{"type":"object","additionalProperties":{"type":"integer"}}}}
            """)), "\(schema.indentedText)")
    }

    @Test("a hand-written init(from:): a key it checks first is optional, nested containers are followed, Foundation's types as JSONCodec writes them")
    func learnsHandWritten() throws {
        let schema = try DecodedSchema.of(HandWritten.self)
        #expect(schema == (try json("""
            {"type":"object","required":["point","list","id","at","link","blob"],"properties":{
              "maybe":{"type":"integer"},
              "point":{"type":"object","properties":{"x":{"type":"integer"},"y":{"type":"integer"}},"required":["x"]},
              "list":{"type":"array","items":{"type":"string"}},
              "id":{"type":"string"},"at":{"type":"number"},"link":{"type":"string"},"blob":{"type":"string"}}}
            """)), "\(schema.indentedText)")
    }

    @Test("an enumeration that is not CaseIterable cannot be learnt, and says so")
    func refusesAnOpaqueEnumeration() {
        #expect { try DecodedSchema.of(Sized.self) } throws: { "\($0)".contains("CaseIterable") }
    }

    @Test("a value that conforms has no problem; each way of breaking the schema is named with its path")
    func validates() throws {
        let schema = try DecodedSchema.of(Sample.self)
        let good = try json("""
            {"id":1,"name":"a","ratio":0.5,"active":true,"colour":"red","tags":[1,2],"inner":{"code":"x"},"counts":{"a":1},"extra":"kept"}
            """)
        #expect(SchemaValidation.problems(good, against: schema).isEmpty)
        let bad = try json("""
            {"id":1.5,"name":"a","ratio":1,"active":true,"colour":"blue","tags":["x"],"inner":{},"counts":{"a":"b"}}
            """)
        let problems = SchemaValidation.problems(bad, against: schema)
        for expected in ["at $.id: expected integer", "at $.colour: \"blue\" is not one of", "at $.tags[0]: expected integer",
                         "at $.inner: code is missing", "at $.counts.a: expected integer"] {
            #expect(problems.contains { $0.hasPrefix(expected) }, "\(expected) in \(problems)")
        }
        #expect(problems.count == 5, "\(problems)")
        #expect(SchemaValidation.problems(try json("{}"), against: try json(#"{"format":"date"}"#))
            == ["at $: the schema keyword format is not supported"])
        let nullable = try json(#"{"type":["string","null"]}"#)
        #expect(SchemaValidation.problems(.null, against: nullable).isEmpty && SchemaValidation.problems(.string("a"), against: nullable).isEmpty)
        #expect(SchemaValidation.problems(.number("1"), against: nullable) == ["at $: expected string or null, found 1"])
    }

    @Test("the header schema is what an envelope carries: constants for type and source, any id, time, subject and saga")
    func headerSchemaMatchesTheEnvelope() throws {
        let schema = EventEnvelope.headerSchema(type: "Placed", source: "shop-order")
        let envelope = EventEnvelope(type: "Placed", source: "shop-order", subject: "7", correlationID: "7", data: [])
        var headers = JSONMembers()
        for header in envelope.headers { headers.append(header.name, .string(header.text)) }
        #expect(SchemaValidation.problems(.object(headers), against: schema).isEmpty)
        let other = EventEnvelope(type: "Placed", source: "shop-cart", subject: "7", correlationID: "7", data: [])
        var wrongSource = JSONMembers()
        for header in other.headers { wrongSource.append(header.name, .string(header.text)) }
        #expect(SchemaValidation.problems(.object(wrongSource), against: schema) == [#"at $.ce_source: expected "shop-order", found "shop-cart""#])
    }
}
