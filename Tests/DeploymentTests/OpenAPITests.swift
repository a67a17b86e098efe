import Chassis
@testable import deploygen
import HTTP
import JSON
import Storage
import Synchronization
import Testing

/// The HTTP half of the published language: what `OpenAPI.document` learns from the routes.
@Suite("OpenAPI documents")
struct OpenAPITests {
    @Test("a route's body and answer come from its types: fields, required ones, a refused one, statuses, Location, problems")
    func learntFromRoutes() throws {
        let document = try OpenAPI.document(try DeployableSystem(Shop.manifest, [Shop.self]))
        let post = try #require(document["paths"]?["/things"]?["post"])
        #expect(post["requestBody"]?["content"]?["application/json"]?["schema"]?["$ref"]?.stringValue == "#/components/schemas/AddThing")
        #expect(post["responses"]?["201"]?["headers"]?["Location"] != nil)
        #expect(post["responses"]?["default"]?["content"]?["application/problem+json"] != nil)
        #expect(post["parameters"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Idempotency-Key"])

        let schemas = try #require(document["components"]?["schemas"])
        #expect(schemas["AddThing"]?["required"] == .array([.string("name")]))
        #expect(schemas["AddThing"]?["properties"]?["weight"]?["type"]?.stringValue == "integer")
        #expect(schemas["AddThing"]?["properties"]?["owner"] == .bool(false), "a refused field may not be sent")

        // The answer: the record's fields, an optional one as null, and the HAL links.
        let thing = try #require(schemas["Thing"])
        #expect(thing["properties"]?["label"]?["type"] == .array([.string("string"), .string("null")]))
        #expect(thing["properties"]?["_links"]?["required"] == .array([.string("self"), .string("thing")]))
        #expect(thing["required"] == .array(["id", "name", "label", "_links"].map(JSONNode.string)))
        let collection = try #require(document["paths"]?["/things"]?["get"]?["responses"]?["200"]?["content"]?["application/json"]?["schema"])
        #expect(collection["$ref"]?.stringValue == "#/components/schemas/ThingCollection")
        #expect(document["paths"]?["/things/{id}"]?["delete"]?["responses"]?["204"]?["content"] == nil)
        #expect(document["paths"]?["/things/{id}"]?["get"]?["parameters"]?.arrayValue?.first?["in"]?.stringValue == "path")
        #expect(document["paths"]?["/internal"] == nil, "a path no gateway route leads to is not the system's API")
    }

    @Test("a route under a gateway route that does not say what it answers is refused, naming it")
    func undocumentedRouteRefused() throws {
        Shop.undocumented.withLock { $0 = true }
        defer { Shop.undocumented.withLock { $0 = false } }
        #expect { try OpenAPI.document(try DeployableSystem(Shop.manifest, [Shop.self])) } throws: {
            "\($0)".contains("shop-things: PATCH /things/{id} does not say what it answers")
        }
    }
}

/// A one-context system with a route of each kind.
private enum Shop: BoundedContext {
    static let manifest = SystemManifest("shop", contexts: [.init("things", routes: ["/things"])])
    static let system = manifest
    static let name = "things"
    static let publishes: [any DomainEvent.Type] = []
    static let migrations = [Migration(1, "things", "CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT NOT NULL, label TEXT)")]
    static let undocumented = Mutex(false)

    struct Thing: Codable, Sendable, Identifiable {
        let id: Int, name: String, label: String?
        static let resource = Resource<Thing>("things", rel: "thing")
    }

    struct AddThing: RequestBody {
        let name: String, weight: Int?
        static let refusedFields = ["owner"]
    }

    static func install(on service: Service) throws {
        service.route("POST", "/things", body: AddThing.self, answers: .created(Thing.resource)) { _, _ in HTTPResponse(status: 201) }
        service.readRoutes(Thing.resource)
        service.route("DELETE", "/things/{id}", answers: .noContent) { _ in HTTPResponse(status: 204) }
        service.route("GET", "/internal") { _ in HTTPResponse(status: 200) }
        if undocumented.withLock({ $0 }) {
            service.route("PATCH", "/things/{id}") { _ in HTTPResponse(status: 200) }
        }
    }
}
