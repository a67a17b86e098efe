import Chassis
@testable import deploygen
import Foundation
import HTTP
import JSON
import Storage
import Synchronization
import Testing
import TestSupport

/// The HTTP half of the published language: what `OpenAPI.document` learns from the routes.
@Suite("OpenAPI documents", .serialized)
struct OpenAPITests {
    @Test("a route's body and answer come from its types: fields, required ones, a refused one, statuses, Location, problems, deprecation")
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
        #expect(document["paths"]?["/things/{id}"]?["delete"]?["deprecated"] == .bool(true))
        #expect(document["paths"]?["/things/{id}"]?["get"]?["deprecated"] == nil)
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

/// What breaks a client of ticketing's released API (every operation; clients read every field).
@Suite("OpenAPI compatibility")
struct ClientCompatibilityTests {
    @Test("the current HTTP API of each system breaks no client of its released ones")
    func currentIsCompatible() throws {
        for system in try Deployables.all() {
            #expect(try ClientCompatibility.breakingChanges(from: Self.released(system.name), to: APIContract(OpenAPI.document(system))) == [])
        }
    }

    @Test("a request field newly required, a type changed, a field now refused or no longer read, a value no longer accepted: the clients' requests break")
    func requestChanges() throws {
        let changes = try Self.changes { document in
            Self.schema(&document, "PlaceBooking") { schema in
                schema["required"] = (schema["required"] as! [String]) + ["seat"]
                var properties = schema["properties"] as! [String: Any]
                properties["seat"] = ["type": "string"]
                properties["showName"] = ["type": "integer"]
                properties["bookStatus"] = false
                properties.removeValue(forKey: "amount")
                schema["properties"] = properties
            }
            Self.schema(&document, "RegisterShow") { schema in
                var properties = schema["properties"] as! [String: Any]
                properties["showName"] = ["type": "string", "enum": ["Cats"]]
                schema["properties"] = properties
            }
        }
        #expect(changes.contains("POST /bookings reads body.seat as required, sent without it, as clients of 1.0.0 send it"), "\(changes)")
        #expect(changes.contains("POST /bookings reads body.showName as integer, sent as string, as clients of 1.0.0 send it"), "\(changes)")
        #expect(changes.contains("POST /bookings refuses body.bookStatus, as clients of 1.0.0 send it"), "\(changes)")
        #expect(changes.contains("POST /shows reads body.showName as one of [\"Cats\"], sent as any string, as clients of 1.0.0 send it"), "\(changes)")
        #expect(changes.contains("POST /bookings no longer reads body.amount, as clients of 1.0.0 send it"), "\(changes)")
        #expect(changes.count == 5, "\(changes)")
    }

    @Test("an answer's field removed, made nullable, or a status string clients do not know; an operation, a status or Location gone, a status new: the clients break")
    func answerChanges() throws {
        let changes = try Self.changes { document in
            Self.schema(&document, "Booking") { schema in
                var properties = schema["properties"] as! [String: Any]
                properties["showName"] = ["type": ["string", "null"]]
                properties["bookStatus"] = ["type": "string", "enum": ["Booked", "Confirmed", "Failed", "Cancelled", "Refunded"]]
                properties.removeValue(forKey: "qty")
                schema["properties"] = properties
                schema["required"] = (schema["required"] as! [String]).filter { $0 != "qty" }
            }
            var paths = document["paths"] as! [String: Any]
            paths.removeValue(forKey: "/showStatuses/{id}")
            var shows = paths["/shows"] as! [String: Any]
            var post = shows["post"] as! [String: Any]
            var responses = post["responses"] as! [String: Any]
            responses["200"] = responses.removeValue(forKey: "201")
            post["responses"] = responses
            shows["post"] = post
            paths["/shows"] = shows
            var bookings = paths["/bookings"] as! [String: Any]
            var placing = bookings["post"] as! [String: Any]
            var placed = placing["responses"] as! [String: Any]
            var created = placed["201"] as! [String: Any]
            created.removeValue(forKey: "headers")
            placed["201"] = created
            placing["responses"] = placed
            bookings["post"] = placing
            paths["/bookings"] = bookings
            document["paths"] = paths
        }
        for expected in [
            "POST /bookings: clients of 1.0.0 read 201 body.qty as required, answered without it",
            "POST /bookings: clients of 1.0.0 read 201 body.showName as string, answered as string or null",
            "POST /bookings: clients of 1.0.0 read 201 body.bookStatus as one of [\"Booked\", \"Confirmed\", \"Failed\", \"Cancelled\"], answered also as [\"Refunded\"]",
            "GET /showStatuses/{id}, as released in 1.0.0, is no longer served",
            "POST /shows no longer answers 201, as it did in 1.0.0",
            "POST /shows now answers 200, which clients of 1.0.0 do not expect",
            "POST /bookings no longer sends Location with 201, which clients of 1.0.0 read",
        ] {
            #expect(changes.contains(expected), "\(expected) not in \(changes)")
        }
    }

    @Test("a field added to an answer, or an optional field added to a request, breaks nobody")
    func additionsBreakNobody() throws {
        let changes = try Self.changes { document in
            Self.schema(&document, "Booking") { schema in
                var properties = schema["properties"] as! [String: Any]
                properties["seat"] = ["type": "string"]
                schema["properties"] = properties
            }
            Self.schema(&document, "PlaceBooking") { schema in
                var properties = schema["properties"] as! [String: Any]
                properties["seat"] = ["type": "string"]
                schema["properties"] = properties
            }
        }
        #expect(changes == [])
    }

    @Test("an operation the last release marked deprecated may go; one not deprecated may not")
    func deprecatedMayGo() throws {
        func removing(_ path: String, _ method: String) -> (inout [String: Any]) -> Void {
            { document in
                var paths = document["paths"] as! [String: Any]
                var item = paths[path] as! [String: Any]
                if method == "*" { item = [:] } else { item.removeValue(forKey: method) }
                paths[path] = item.isEmpty ? nil : item
                document["paths"] = paths
            }
        }
        var deprecating = try Self.document()
        var paths = deprecating["paths"] as! [String: Any]
        var shows = paths["/shows"] as! [String: Any]
        var post = shows["post"] as! [String: Any]
        post["deprecated"] = true
        shows["post"] = post
        paths["/shows"] = shows
        deprecating["paths"] = paths
        let released = ("1.1.0", APIContract(try Self.node(deprecating)))

        var current = try Self.document()
        removing("/shows", "post")(&current)
        #expect(ClientCompatibility.breakingChanges(from: released, to: APIContract(try Self.node(current))) == [])
        removing("/bookings", "post")(&current)
        #expect(ClientCompatibility.breakingChanges(from: released, to: APIContract(try Self.node(current)))
            == ["POST /bookings, as released in 1.1.0, is no longer served"])
    }

    // MARK: Helpers: ticketing's committed document, changed, against its released one

    static func document() throws -> [String: Any] {
        let url = ProjectPaths.root.appendingPathComponent("contracts/ticketing/openapi.json")
        return try JSONSerialization.jsonObject(with: try Data(contentsOf: url)) as! [String: Any]
    }

    static func node(_ document: [String: Any]) throws -> JSONNode {
        try JSONNode(parsing: Array(try JSONSerialization.data(withJSONObject: document)))
    }

    static func released(_ system: String) throws -> (version: String, contract: APIContract) {
        ("1.0.0", try APIContract(contentsOf: ProjectPaths.root.appendingPathComponent("contracts/\(system)/released/1.0.0/openapi.json")))
    }

    static func changes(_ change: (inout [String: Any]) -> Void) throws -> [String] {
        var document = try document()
        change(&document)
        return ClientCompatibility.breakingChanges(from: try released("ticketing"), to: APIContract(try node(document)))
    }

    static func schema(_ document: inout [String: Any], _ name: String, _ change: (inout [String: Any]) -> Void) {
        var components = document["components"] as! [String: Any]
        var schemas = components["schemas"] as! [String: Any]
        var schema = schemas[name] as! [String: Any]
        change(&schema)
        schemas[name] = schema
        components["schemas"] = schemas
        document["components"] = components
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
        service.route("DELETE", "/things/{id}", answers: .noContent, deprecated: true) { _ in HTTPResponse(status: 204) }
        service.route("GET", "/internal") { _ in HTTPResponse(status: 200) }
        if undocumented.withLock({ $0 }) {
            service.route("PATCH", "/things/{id}") { _ in HTTPResponse(status: 200) }
        }
    }
}
