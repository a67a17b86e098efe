import HTTP
import Testing

@Suite("JSONObject")
struct JSONObjectTests {
    private func object(_ json: String) throws -> JSONObject {
        try JSONObject(body: Array(json.utf8))
    }

    /// The detail of the 400 `body` throws, or nil if it throws nothing or another status.
    private func badRequestDetail<T>(_ body: () throws(Problem) -> T) -> String? {
        do {
            _ = try body()
            return nil
        } catch {
            return error.status == 400 ? error.detail : nil
        }
    }

    @Test("int accepts a number and a numeric string, as httpie sends it")
    func intLeniency() throws {
        let json = try object(#"{"a":10,"b":"10","c":-3,"d":"-3"}"#)
        #expect(try json.int("a") == 10)
        #expect(try json.int("b") == 10)
        #expect(try json.int("c") == -3)
        #expect(try json.int("d") == -3)
    }

    @Test("int refuses fractions, words, booleans, signs and missing fields, naming the field",
          arguments: [#"{"qty":10.5}"#, #"{"qty":"abc"}"#, #"{"qty":true}"#, #"{"qty":"10.5"}"#, #"{"qty":"+5"}"#, #"{"qty":[1]}"#])
    func intRejects(json: String) throws {
        let object = try object(json)
        #expect(badRequestDetail { () throws(Problem) in try object.int("qty") } == "field 'qty' must be an integer")
    }

    @Test("an integer too large for Int says so, as a number or a string",
          arguments: [#"{"qty":99999999999999999999999}"#, #"{"qty":"99999999999999999999999"}"#, #"{"qty":"-99999999999999999999999"}"#])
    func intOutOfRange(json: String) throws {
        let object = try object(json)
        #expect(badRequestDetail { () throws(Problem) in try object.int("qty") } == "field 'qty' is an integer out of range")
    }

    @Test("a missing or null required field is a 400 that names it")
    func missing() throws {
        let json = try object(#"{"other":1,"nothing":null}"#)
        #expect(badRequestDetail { () throws(Problem) in try json.int("qty") } == "field 'qty' is required")
        #expect(badRequestDetail { () throws(Problem) in try json.string("name") } == "field 'name' is required")
        #expect(badRequestDetail { () throws(Problem) in try json.double("price") } == "field 'price' is required")
        #expect(badRequestDetail { () throws(Problem) in try json.int("nothing") } == "field 'nothing' is required")
    }

    @Test("optional accessors return nil for absent and null fields but still check types")
    func optionals() throws {
        let json = try object(#"{"a":null,"b":"7","c":true}"#)
        #expect(try json.optionalInt("a") == nil)
        #expect(try json.optionalInt("missing") == nil)
        #expect(try json.optionalInt("b") == 7)
        #expect(try json.optionalString("a") == nil)
        #expect(badRequestDetail { () throws(Problem) in try json.optionalInt("c") } == "field 'c' must be an integer")
        #expect(badRequestDetail { () throws(Problem) in try json.optionalString("c") } == "field 'c' must be a string")
    }

    @Test("string accepts strings and numbers as their text")
    func strings() throws {
        let json = try object(#"{"name":"Kim","id":12,"price":9.5,"flag":false}"#)
        #expect(try json.string("name") == "Kim")
        #expect(try json.string("id") == "12")
        #expect(try json.string("price") == "9.5")
        #expect(badRequestDetail { () throws(Problem) in try json.string("flag") } == "field 'flag' must be a string")
    }

    @Test("double accepts integers, fractions and numeric strings")
    func doubles() throws {
        let json = try object(#"{"a":3,"b":2.5,"c":"1.25","d":"lots","e":"nan"}"#)
        #expect(try json.double("a") == 3)
        #expect(try json.double("b") == 2.5)
        #expect(try json.double("c") == 1.25)
        #expect(badRequestDetail { () throws(Problem) in try json.double("d") } == "field 'd' must be a number")
        #expect(badRequestDetail { () throws(Problem) in try json.double("e") } == "field 'e' must be a number")
    }

    @Test("contains is true for present fields, null ones included")
    func containsKey() throws {
        let json = try object(#"{"a":null,"b":1}"#)
        #expect(json.contains("a"))
        #expect(json.contains("b"))
        #expect(!json.contains("c"))
    }

    @Test("a body that is not a JSON object is a 400",
          arguments: [("", "request body is not valid JSON"), ("{", "request body is not valid JSON"),
                      ("[1,2]", "request body must be a JSON object"), ("42", "request body must be a JSON object")])
    func notAnObject(body: String, detail: String) {
        #expect(badRequestDetail { () throws(Problem) in try JSONObject(body: Array(body.utf8)) } == detail)
    }
}
