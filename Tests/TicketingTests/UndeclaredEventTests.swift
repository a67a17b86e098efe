import Chassis
import ChassisTesting
import Testing
import Ticketing

@Suite("Ticketing: an event a context does not declare is never published")
struct UndeclaredEventTests {
    @Test("a request that publishes an undeclared event fails with a 500 and its transaction, outbox row included, rolls back")
    func refused() throws {
        let tester = try ContextTester(DeclaresNothing.self)
        let answer = try tester.request("POST", "/shows", ["showName": "Cats", "totalCount": 10, "remainCount": 10])
        #expect(answer.status == 500)
        #expect(try tester.outbox().isEmpty)
        #expect(try tester.query("SELECT id FROM shows").isEmpty)
    }
}

/// Show's context with its routes but without the events it publishes declared.
private enum DeclaresNothing: BoundedContext {
    static let system = ShowContext.system
    static let name = ShowContext.name
    static let publishes: [any DomainEvent.Type] = []
    static let migrations = ShowContext.migrations
    static func install(on service: Service) throws { try ShowContext.install(on: service) }
}
