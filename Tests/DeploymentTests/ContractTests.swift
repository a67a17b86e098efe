import Chassis
@testable import deploygen
import Foundation
import JSON
import Testing
import TestSupport

/// The published language: documents generated from the code, the compatibility check that
/// stops a change that would break a consumer, and a tool from outside that opens them.
@Suite("contracts", .serialized)
struct ContractTests {
    @Test("the current events break no consumer of each system's last released events")
    func currentIsCompatibleWithReleased() throws {
        let systems = try Deployables.all()
        for system in systems {
            #expect(!(try ContractFiles.releasedVersions(system, under: ProjectPaths.root)).isEmpty, "\(system.name) has no released contract")
        }
        #expect(try ContractFiles.breakingChanges(systems, under: ProjectPaths.root) == [])
    }

    @Test("scripts/check-contracts: pydantic-asyncapi reads every AsyncAPI document, openapi-spec-validator every OpenAPI one, and each refuses a broken one")
    func outsideToolAccepts() throws {
        let script = ProjectPaths.root.appendingPathComponent("scripts/check-contracts").path
        let run = try CommandRun(script, [], timeout: .seconds(120))
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("contracts/ticketing/asyncapi.json: AsyncAPI 3.0.0"), "\(run)")
        #expect(run.stdout.contains("contracts/ticketing/openapi.json: OpenAPI 3.1.0"), "\(run)")

        var broken = try Self.document("ticketing")
        broken["operations"] = ["ticketing-booking.send": ["action": "publish", "channel": ["$ref": "#/channels/ticketing.booking"]]]
        let path = try Self.write(broken)
        let refused = try CommandRun(script, [path], timeout: .seconds(120))
        #expect(refused.status != 0 && refused.stderr.contains("is not a valid AsyncAPI 3.0 document"), "\(refused)")

        // A response with no description, and a reference to a schema that is not there.
        let api = ProjectPaths.root.appendingPathComponent("contracts/ticketing/openapi.json")
        var openAPI = try JSONSerialization.jsonObject(with: try Data(contentsOf: api)) as! [String: Any]
        openAPI["paths"] = ["/bookings": ["get": ["responses": ["200": ["content": ["application/json": ["schema": ["$ref": "#/components/schemas/Nothing"]]]]]]]]
        let brokenAPI = try CommandRun(script, [try Self.write(openAPI)], timeout: .seconds(120))
        #expect(brokenAPI.status != 0 && brokenAPI.stderr.contains("is not a valid OpenAPI 3.1 document"), "\(brokenAPI)")
    }

    // MARK: What breaks a consumer (ticketing.show reads BookingPlaced; every field of it is required)

    @Test("a field a consumer requires, removed or made optional, breaks it")
    func removedOrOptionalField() throws {
        var current = try Self.document("ticketing")
        Self.payload(&current, "BookingPlaced") { payload in
            payload["properties"] = (payload["properties"] as! [String: Any]).filter { $0.key != "showId" }
            payload["required"] = (payload["required"] as! [String]).filter { $0 != "showId" && $0 != "qty" }
        }
        let changes = try Self.changes(to: current)
        #expect(changes.contains("ticketing.show as released in 1.0.0 reads BookingPlaced.showId as required, published without it"), "\(changes)")
        #expect(changes.contains("ticketing.show as released in 1.0.0 reads BookingPlaced.qty as required, published as optional"), "\(changes)")
    }

    @Test("a changed type, or a status string a consumer does not know, breaks it")
    func changedTypeOrNewStatus() throws {
        var current = try Self.document("ticketing")
        Self.payload(&current, "BookingPlaced") { payload in
            var properties = payload["properties"] as! [String: Any]
            properties["qty"] = ["type": "string"]
            var status = properties["bookStatus"] as! [String: Any]
            status["enum"] = (status["enum"] as! [String]) + ["Refunded"]
            properties["bookStatus"] = status
            payload["properties"] = properties
        }
        let changes = try Self.changes(to: current)
        #expect(changes.contains("ticketing.show as released in 1.0.0 reads BookingPlaced.qty as integer, published as string"), "\(changes)")
        #expect(changes.contains { $0.hasPrefix("ticketing.show as released in 1.0.0 reads BookingPlaced.bookStatus as one of")
                                   && $0.hasSuffix("published also as [\"Refunded\"]") }, "\(changes)")
    }

    @Test("an event a consumer reads, no longer published, breaks it")
    func removedEvent() throws {
        var current = try Self.document("ticketing")
        var channels = current["channels"] as! [String: Any]
        var booking = channels["ticketing.booking"] as! [String: Any]
        booking["messages"] = (booking["messages"] as! [String: Any]).filter { $0.key != "BookingPlaced" }
        channels["ticketing.booking"] = booking
        current["channels"] = channels
        let changes = try Self.changes(to: current)
        #expect(changes.contains("ticketing.show as released in 1.0.0 reads BookingPlaced from ticketing.booking, which is no longer published there"),
                "\(changes)")
    }

    @Test("a consumer that starts to require a field the released publisher (and the log) lacks breaks on old events")
    func newRequiredRead() throws {
        var current = try Self.document("ticketing")
        var operations = current["operations"] as! [String: Any]
        var receive = operations["ticketing-show.receive.ticketing.booking"] as! [String: Any]
        var reads = receive["x-reads"] as! [String: Any]
        var placed = reads["BookingPlaced"] as! [String: Any]
        placed["properties"] = (placed["properties"] as! [String: Any]).merging(["seat": ["type": "string"]]) { $1 }
        placed["required"] = (placed["required"] as! [String]) + ["seat"]
        reads["BookingPlaced"] = placed
        receive["x-reads"] = reads
        operations["ticketing-show.receive.ticketing.booking"] = receive
        current["operations"] = operations
        let changes = try Self.changes(to: current)
        #expect(changes == [
            "ticketing.show reads BookingPlaced.seat as required, published without it",
            "ticketing.show now reads BookingPlaced.seat as required, published without it, in events published as released in 1.0.0",
        ])
    }

    @Test("events of every released version are in the log: a consumer must still read those of a version before the last")
    func everyReleaseInTheLog() {
        let note: [String: Any] = ["type": "object", "properties": ["note": ["type": "string"]]]
        let none: [String: Any] = ["type": "object", "properties": [String: Any]()]
        let integer: [String: Any] = ["type": "object", "properties": ["note": ["type": "integer"]]]
        let changes = Compatibility.breakingChanges(
            from: [Self.small(payload: note, reads: none, version: "1.0.0"), Self.small(payload: none, reads: none, version: "1.1.0")],
            to: Self.small(payload: integer, reads: integer))
        #expect(changes == ["s.b now reads E.note as integer, published as string, in events published as released in 1.0.0"])
    }

    @Test("a map read where an object of named fields is published, or the reverse, breaks the reader")
    func mapAndObject() {
        let map: [String: Any] = ["type": "object", "properties": ["m": ["type": "object", "additionalProperties": ["type": "integer"]]]]
        let object: [String: Any] = ["type": "object", "properties": ["m": ["type": "object", "properties": ["a": ["type": "string"]]]]]
        #expect(Compatibility.breakingChanges(from: [], to: Self.small(payload: object, reads: map))
            == ["s.b reads E.m as a map, published as an object of named fields"])
        #expect(Compatibility.breakingChanges(from: [], to: Self.small(payload: map, reads: object))
            == ["s.b reads E.m as an object of named fields, published as a map"])
    }

    @Test("an optional field added, a status no longer published, or a new event type beside the old one break nobody")
    func compatibleChanges() throws {
        var current = try Self.document("ticketing")
        Self.payload(&current, "BookingPlaced") { payload in
            var properties = payload["properties"] as! [String: Any]
            properties["seat"] = ["type": "string"]
            var status = properties["bookStatus"] as! [String: Any]
            status["enum"] = ["Booked"]
            properties["bookStatus"] = status
            payload["properties"] = properties
        }
        var channels = current["channels"] as! [String: Any]
        var booking = channels["ticketing.booking"] as! [String: Any]
        booking["messages"] = (booking["messages"] as! [String: Any]).merging(["BookingPlaced.v2": ["$ref": "#/components/messages/BookingPlaced.v2"]]) { $1 }
        channels["ticketing.booking"] = booking
        current["channels"] = channels
        #expect(try Self.changes(to: current) == [])
    }

    @Test("releasing again under a released version with other contents, or below the last, is refused: the version must be bumped")
    func releaseNeedsABump() throws {
        let root = try ProjectPaths.temporaryDirectory("contracts-release")
        let systems = try Deployables.all()
        #expect(try ContractFiles.release(systems, under: root).count == systems.count * 2, "an AsyncAPI and an OpenAPI document each")
        #expect(try ContractFiles.release(systems, under: root).isEmpty)
        let released = root.appendingPathComponent("contracts/ticketing/released/1.0.0/asyncapi.json")
        try "{}\n".write(to: released, atomically: true, encoding: .utf8)
        #expect { try ContractFiles.release(systems, under: root) } throws: { "\($0)".contains("bump contractVersion") }
        let later = root.appendingPathComponent("contracts/ticketing/released/1.10.0/asyncapi.json")
        try FileManager.default.createDirectory(at: later.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "{}\n".write(to: later, atomically: true, encoding: .utf8)
        #expect { try ContractFiles.release(systems, under: root) } throws: { "\($0)".contains("1.0.0 is below 1.10.0") }
    }

    // MARK: Helpers: the committed document as Foundation values, changed, and compared with the released one

    static func document(_ system: String) throws -> [String: Any] {
        let url = ProjectPaths.root.appendingPathComponent("contracts/\(system)/asyncapi.json")
        return try JSONSerialization.jsonObject(with: try Data(contentsOf: url)) as! [String: Any]
    }

    static func payload(_ document: inout [String: Any], _ message: String, _ change: (inout [String: Any]) -> Void) {
        var components = document["components"] as! [String: Any]
        var messages = components["messages"] as! [String: Any]
        var entry = messages[message] as! [String: Any]
        var payload = entry["payload"] as! [String: Any]
        change(&payload)
        entry["payload"] = payload
        messages[message] = entry
        components["messages"] = messages
        document["components"] = components
    }

    static func changes(to current: [String: Any]) throws -> [String] {
        let released = try EventContract(contentsOf: ProjectPaths.root.appendingPathComponent("contracts/ticketing/released/1.0.0/asyncapi.json"))
        return Compatibility.breakingChanges(from: [released], to: EventContract(node(current)))
    }

    static func node(_ value: [String: Any]) -> JSONNode {
        try! JSONNode(parsing: Array(try! JSONSerialization.data(withJSONObject: value)))
    }

    /// A document with one event E on topic s.a, whose payload is `payload`, read by group s.b as `reads`.
    static func small(payload: [String: Any], reads: [String: Any], version: String = "2.0.0") -> EventContract {
        EventContract(node([
            "info": ["version": version],
            "channels": ["s.a": ["messages": ["E": ["$ref": "#/components/messages/E"]]]],
            "components": ["messages": ["E": ["payload": payload]]],
            "operations": ["s-b.receive.s.a": [
                "action": "receive", "channel": ["$ref": "#/channels/s.a"],
                "bindings": ["kafka": ["groupId": ["type": "string", "enum": ["s.b"]]]], "x-reads": ["E": reads],
            ] as [String: Any]],
        ]))
    }

    static func write(_ document: [String: Any]) throws -> String {
        let url = try ProjectPaths.temporaryDirectory("contracts-broken").appendingPathComponent("asyncapi.json")
        try JSONSerialization.data(withJSONObject: document).write(to: url)
        return url.path
    }
}
