import Chassis
import ChassisTesting
import Storage
import Synchronization
import Testing
@testable import Ticketing

/// An incompatible change to an event, made as the README's "Contracts" says: the successor is
/// published alongside the old type with one id, and a consumer reading both applies each fact once.
@Suite("Ticketing: one fact published in two versions side by side")
struct SideBySideEventTests {
    @Test("both versions carry one id and one key; a consumer reading both applies the fact once, in either order, and again never")
    func appliedOnce() throws {
        let show = try ContextTester(ShowWithSuccessor.self)
        #expect(try show.request("POST", "/shows", ["showName": "Cats", "totalCount": 10, "remainCount": 10]).status == 201)
        let published = try show.outbox()
        #expect(published.map(\.type) == ["ShowRegistered", "ShowRegistered.v2"])
        #expect(Set(published.map(\.id)).count == 1 && Set(published.map(\.subject)) == ["1"])

        let reader = try ContextTester(ReadsBoth.self)
        #expect(try reader.deliver(published[1], from: Topics.show) == .processed)
        #expect(try reader.deliver(published[0], from: Topics.show) == .duplicate)
        #expect(try reader.deliver(published[1], from: Topics.show) == .duplicate)
        #expect(ReadsBoth.applied.load(ordering: .relaxed) == 1)
    }

    @Test("the two versions must be about one aggregate")
    func oneAggregate() throws {
        let show = try ContextTester(ShowWithSuccessor.self)
        let answer = try show.request("POST", "/mismatched", [:])
        #expect(answer.status == 500)
        #expect(try show.outbox().isEmpty)
    }
}

/// `ShowRegistered` with a renamed field: what an incompatible change publishes beside the old type.
private struct ShowRegisteredV2: DomainEvent {
    static let eventType = "ShowRegistered.v2"
    let id: Int, name: String, seats: Int
    var aggregateID: String { String(id) }
}

/// Show's context publishing each registration in both versions.
private enum ShowWithSuccessor: BoundedContext {
    static let system = ShowContext.system
    static let name = ShowContext.name
    static let publishes: [any DomainEvent.Type] = [ShowRegistered.self, ShowRegisteredV2.self]
    static let migrations = ShowContext.migrations
    static func install(on service: Service) throws {
        service.route("POST", "/shows") { request in
            try service.answer { work in
                let show = try Show.resource.insert(["show_name": .text("Cats"), "total_count": .int(10), "remain_count": .int(10)], work.db)
                try work.publish(ShowRegisteredV2(id: show.id, name: show.showName, seats: show.totalCount),
                                 alongside: ShowRegistered(id: show.id, showName: show.showName, totalCount: show.totalCount,
                                                           remainCount: show.remainCount))
                return Show.resource.created(show, for: request)
            }
        }
        service.route("POST", "/mismatched") { request in
            try service.answer { work in
                try work.publish(ShowRegisteredV2(id: 2, name: "Cats", seats: 1),
                                 alongside: ShowRegistered(id: 3, showName: "Cats", totalCount: 1, remainCount: 1))
                return .json(["ok": true])
            }
        }
    }
}

/// A consumer moving from `ShowRegistered` to its successor: it reads both.
private enum ReadsBoth: BoundedContext {
    static let system = ticketing
    static let name = "dashboard"
    static let publishes: [any DomainEvent.Type] = []
    static let migrations: [Migration] = []
    static let applied = Atomic(0)
    static func install(on service: Service) throws {
        service.on(ShowRegistered.self, from: Topics.show) { _, _, _ in applied.add(1, ordering: .relaxed) }
        service.on(ShowRegisteredV2.self, from: Topics.show) { _, _, _ in applied.add(1, ordering: .relaxed) }
    }
}
