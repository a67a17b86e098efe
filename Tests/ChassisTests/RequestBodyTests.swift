import Chassis
import HTTP
import JSON
import Testing

private enum Colour: String, Codable, CaseIterable { case red, green }

private struct Paint: RequestBody {
    let qty: Int, name: String, ratio: Double?, colour: Colour?
    static let refusedFields = ["owner"]
    static let refusedAdvice = "paint another"

    func validate() throws(Problem) {
        guard qty > 0 else { throw .badRequest("field 'qty' must be positive") }
    }
}

/// A command's body is read as its type, with JSONObject's leniency and 400s that name the field.
@Suite("request bodies")
struct RequestBodyTests {
    @Test("numbers may arrive as strings and strings as numbers; null is absent; a field the type does not know is ignored")
    func lenient() throws {
        let paint = try Paint.read(Array(#"{"qty":"10","name":5,"ratio":"0.5","colour":null,"extra":true}"#.utf8))
        #expect(paint.qty == 10 && paint.name == "5" && paint.ratio == 0.5 && paint.colour == nil)
    }

    @Test("each bad body is a 400 naming what is wrong, checked in the order: JSON, refused, each field, then the type's own rules")
    func refusals() {
        for (body, detail) in [
            ("{", "request body is not valid JSON"),
            ("[]", "request body must be a JSON object"),
            (#"{"qty":1,"name":"a","owner":null}"#, "field 'owner' cannot be changed; paint another"),
            (#"{"name":"a"}"#, "field 'qty' is required"),
            (#"{"qty":null,"name":"a"}"#, "field 'qty' is required"),
            (#"{"qty":"x","name":"a"}"#, "field 'qty' must be an integer"),
            (#"{"qty":1.5,"name":"a"}"#, "field 'qty' must be an integer"),
            (#"{"qty":1,"name":[]}"#, "field 'name' must be a string"),
            (#"{"qty":1,"name":"a","ratio":"half"}"#, "field 'ratio' must be a number"),
            (#"{"qty":1,"name":"a","colour":"blue"}"#, "field 'colour' must be 'red' or 'green', not 'blue'"),
            (#"{"qty":0,"name":"a"}"#, "field 'qty' must be positive"),
        ] {
            #expect { try Paint.read(Array(body.utf8)) } throws: { ($0 as? Problem)?.status == 400 && ($0 as? Problem)?.detail == detail }
        }
    }
}

/// An exchange checked against an OpenAPI document as a client sees it.
@Suite("API contract")
struct APIContractTests {
    static let contract = APIContract(try! JSONNode(parsing: Array("""
        {"openapi":"3.1.0","paths":{
          "/things":{"post":{"requestBody":{"required":true,"content":{"application/json":{"schema":{"$ref":"#/components/schemas/AddThing"}}}},"responses":{"201":{"description":"Created","headers":{"Location":{"schema":{"type":"string"}}},"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Thing"}}}}}}},
          "/things/{id}":{"delete":{"responses":{"204":{"description":"No Content"}}}},
          "/things/gone":{"delete":{"responses":{"200":{"description":"OK","content":{"application/json":{"schema":{"type":"object"}}}}}}}},
         "components":{"schemas":{
          "AddThing":{"type":"object","properties":{"name":{"type":"string"},"weight":{"type":"integer"},"owner":false},"required":["name"]},
          "Thing":{"type":"object","properties":{"id":{"type":"integer"},"label":{"type":["string","null"]}},"required":["id","label"]},
          "Problem":{"type":"object","properties":{"detail":{"type":"string"}},"required":["detail"]}}}}
        """.utf8)))

    func problems(_ method: String, _ path: String, _ status: Int, _ contentType: String, _ body: String,
                  request: String = #"{"name":"a"}"#) -> [String] {
        var headers: HTTPHeaders = ["Content-Type": contentType]
        if status == 201 { headers["Location"] = "/things/1" }
        return Self.contract.problems(method, path, request: Array(request.utf8), status: status, headers: headers, body: Array(body.utf8))
    }

    @Test("a documented answer, a 204 with no body, and a problem pass")
    func conforming() {
        #expect(problems("POST", "/things", 201, "application/json", #"{"id":1,"label":null}"#) == [])
        #expect(problems("DELETE", "/things/7", 204, "", "") == [])
        #expect(problems("DELETE", "/things/7", 404, "application/problem+json", #"{"detail":"no thing 7"}"#) == [])
        #expect(problems("GET", "/nowhere", 404, "application/problem+json", #"{"detail":"no resource at /nowhere"}"#) == [])
    }

    @Test("a wrong field, an undocumented operation or success status, a problem of another type: each named")
    func breaches() {
        #expect(problems("POST", "/things", 201, "application/json", #"{"id":"1","label":null}"#) == [#"at $.id: expected integer, found "1""#])
        #expect(problems("GET", "/things", 200, "application/json", "{}") == ["no such operation in the document"])
        #expect(problems("POST", "/things", 200, "application/json", #"{"id":1,"label":null}"#) == ["a success status the document does not give"])
        #expect(problems("POST", "/things", 400, "text/plain", "bad") == ["Content-Type text/plain, not application/problem+json"])
        #expect(problems("DELETE", "/things/7", 204, "application/json", "{}") == ["a body where the document gives none"])
        #expect(problems("DELETE", "/things/7", 404, "application/problem+json", #"{"detail":"x","status":409}"#)
            == ["a problem whose status 409 is not the answer's"])
        #expect(Self.contract.problems("POST", "/things", request: Array(#"{"name":"a"}"#.utf8), status: 201,
                                       headers: ["Content-Type": "application/json"], body: Array(#"{"id":1,"label":null}"#.utf8))
            == ["no Location header"])
    }

    @Test("a literal path segment is matched before a parameter, as the router does")
    func literalFirst() {
        #expect(problems("DELETE", "/things/gone", 200, "application/json", "{}") == [])
        #expect(problems("DELETE", "/things/gone", 204, "", "") == ["a success status the document does not give"])
    }

    @Test("a request that succeeded is read as the services read it: numbers as strings pass, a missing or refused field is named")
    func requests() {
        let thing = #"{"id":1,"label":null}"#
        #expect(problems("POST", "/things", 201, "application/json", thing, request: #"{"name":5,"weight":"3","extra":true,"label":null}"#) == [])
        #expect(problems("POST", "/things", 201, "application/json", thing, request: #"{"weight":"x"}"#)
            == ["the request at $: name is missing", #"the request at $.weight: expected integer, found "x""#])
        #expect(problems("POST", "/things", 201, "application/json", thing, request: #"{"name":"a","owner":null}"#) == ["the request at $.owner: not allowed"])
        #expect(problems("POST", "/things", 400, "application/problem+json", #"{"detail":"field 'name' is required"}"#, request: "{}") == [])
    }
}
