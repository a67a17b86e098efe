import Chassis
import ChassisTesting
import Foundation
import HTTP
import Testing
@testable import Ticketing

/// `Idempotency-Key` as the chassis gives it to every POST, shown on registering a show.
@Suite("Idempotent POSTs, in process")
struct IdempotencyTests {
    let show: [String: Any] = ["showName": "Cats", "totalCount": 10, "remainCount": 10]

    @Test("a retried POST with its key gets the first answer and takes effect once")
    func retried() throws {
        let tester = try ContextTester(ShowContext.self)
        let first = try tester.request("POST", "/shows", show, headers: ["Idempotency-Key": "register-cats-1"])
        let retry = try tester.request("POST", "/shows", show, headers: ["Idempotency-Key": "register-cats-1"])
        #expect(first.status == 201)
        #expect(retry.status == 201)
        #expect(retry.text == first.text)
        #expect(retry.response.headers["Location"] == "/shows/1")
        #expect(retry.response.headers["Content-Type"] == first.response.headers["Content-Type"])
        #expect(try tester.query("SELECT id FROM shows").count == 1)
        #expect(try tester.published(ShowRegistered.self).count == 1)

        #expect(try tester.request("POST", "/shows", show, headers: ["Idempotency-Key": "register-cats-2"]).status == 201)
        #expect(try tester.request("POST", "/shows", show).status == 201, "without a key every POST counts")
        #expect(try tester.query("SELECT id FROM shows").count == 3)
    }

    @Test("a retry that spells the same JSON otherwise (member order, spacing, escapes) is the same request")
    func sameJSONSpelledOtherwise() throws {
        let tester = try ContextTester(ShowContext.self)
        let first = tester.request("POST", "/shows", body: Array(#"{"showName":"Cats","totalCount":10,"remainCount":10}"#.utf8),
                                   headers: ["Idempotency-Key": "k"])
        let retry = tester.request("POST", "/shows", body: Array(#"{ "remainCount": 10, "totalCount": 10, "showName": "C\u0061ts" }"#.utf8),
                                   headers: ["Idempotency-Key": "k"])
        #expect(first.status == 201)
        #expect(retry.status == 201)
        #expect(retry.text == first.text)
        #expect(try tester.query("SELECT id FROM shows").count == 1)
        let other = tester.request("POST", "/shows", body: Array(#"{"showName":"Cats","totalCount":10,"remainCount":9}"#.utf8),
                                   headers: ["Idempotency-Key": "k"])
        #expect(other.status == 422)
    }

    @Test("a process that died between its commit and its answer: retries wait, then get what it created as a 201 (60 s on)")
    func answerLost() throws {
        let tester = try ContextTester(ShowContext.self)
        let first = try tester.request("POST", "/shows", show, headers: ["Idempotency-Key": "k"])
        #expect(first.status == 201)
        // As if the process died before storing the answer, as one that is not decided in the
        // request's transaction (`Service.answer`) could.
        try tester.execute("UPDATE idempotency_keys SET status = NULL, headers = NULL, body = NULL")
        let early = try tester.request("POST", "/shows", show, headers: ["Idempotency-Key": "k"])
        #expect(early.status == 409 && early.response.headers["Retry-After"] == "1", "it may still be on its way: \(early)")

        try tester.execute("UPDATE idempotency_keys SET created_at = created_at - 61")
        let late = try tester.request("POST", "/shows", show, headers: ["Idempotency-Key": "k"])
        #expect(late.status == 201)
        #expect(late.response.headers["Location"] == "/shows/1")
        #expect(late.text == (try tester.request("GET", "/shows/1")).text)
        #expect(try tester.request("POST", "/shows", show, headers: ["Idempotency-Key": "k"]).text == late.text, "kept as its answer")
        #expect(try tester.query("SELECT id FROM shows").count == 1)

        // A request that created nothing it can point to.
        #expect(try tester.request("POST", "/shows", show, headers: ["Idempotency-Key": "j"]).status == 201)
        try tester.execute("UPDATE idempotency_keys SET status = NULL, headers = NULL, body = NULL, location = NULL, created_at = created_at - 61 "
                           + "WHERE idempotency_key = 'j'")
        let lost = try tester.request("POST", "/shows", show, headers: ["Idempotency-Key": "j"])
        #expect(lost.status == 409 && lost.response.headers["Retry-After"] == nil, "a definite answer: \(lost)")
        #expect(try tester.query("SELECT id FROM shows").count == 2)
    }

    @Test("an answer decided in the transaction commits with its effects: a process that died right after the commit leaves it for the retry")
    func answerCommitsWithEffects() throws {
        let tester = try ContextTester(DyingAfterCommit.self)
        let died = try tester.request("POST", "/answer", show, headers: ["Idempotency-Key": "a"])
        #expect(died.status == 500)
        let retry = try tester.request("POST", "/answer", show, headers: ["Idempotency-Key": "a"])
        #expect(retry.status == 201 && retry.response.headers["Location"] == "/shows/1", "\(retry)")
        #expect(retry.text == (try tester.request("GET", "/shows/1")).text)

        // An answer made after the commit dies with the process: a 409 until `answerDeadline`.
        #expect(try tester.request("POST", "/transaction", show, headers: ["Idempotency-Key": "t"]).status == 500)
        #expect(try tester.request("POST", "/transaction", show, headers: ["Idempotency-Key": "t"]).status == 409)
        #expect(try tester.query("SELECT id FROM shows").count == 2)
    }

    @Test("a key is its caller's own: another subject's request with the same key and body takes effect too")
    func perSubject() throws {
        let tester = try ContextTester(ShowContext.self)
        for subject in ["alice", "bob", "alice"] {
            #expect(try tester.request("POST", "/shows", show, headers: ["Idempotency-Key": "k", "X-Authenticated-Subject": subject]).status == 201)
        }
        #expect(try tester.query("SELECT id FROM shows").count == 2)
    }

    @Test("the same key with another request is a 422 and changes nothing")
    func reusedKey() throws {
        let tester = try ContextTester(ShowContext.self)
        _ = try tester.request("POST", "/shows", show, headers: ["Idempotency-Key": "k"])
        let other = try tester.request("POST", "/shows", ["showName": "Dogs", "totalCount": 5, "remainCount": 5], headers: ["Idempotency-Key": "k"])
        #expect(other.status == 422)
        #expect(other.json["detail"] as? String == "this Idempotency-Key was used for another request")
        #expect(try tester.query("SELECT id FROM shows").count == 1)
    }

    @Test("a request refused before its transaction leaves no key: corrected, it runs under the same key")
    func refusedRequestLeavesNoKey() throws {
        let tester = try ContextTester(ShowContext.self)
        let bad = try tester.request("POST", "/shows", ["showName": "Cats", "totalCount": 0], headers: ["Idempotency-Key": "k"])
        #expect(bad.status == 400)
        #expect(try tester.query("SELECT idempotency_key FROM idempotency_keys").isEmpty)
        #expect(try tester.request("POST", "/shows", ["showName": "Cats", "totalCount": 0], headers: ["Idempotency-Key": "k"]).status == 400)
    }

    @Test("a key that is not 1 to 255 visible ASCII characters is a 400", arguments: ["", String(repeating: "k", count: 256), "two words"])
    func invalidKey(key: String) throws {
        let tester = try ContextTester(ShowContext.self)
        #expect(try tester.request("POST", "/shows", show, headers: ["Idempotency-Key": key]).status == 400)
        #expect(try tester.query("SELECT id FROM shows").isEmpty)
    }

    @Test("the same request sent eight times at once takes effect once; every answer is the first one or a 409 to retry")
    func concurrent() throws {
        let tester = try ContextTester(ShowContext.self)
        let service = tester.service
        let body = Array(#"{"showName":"Cats","totalCount":10,"remainCount":10}"#.utf8)
        let box = StatusesBox(count: 8)
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            let request = HTTPRequest(method: "POST", target: "/shows", headers: ["Host": "tester", "Content-Type": "application/json",
                                                                                  "Idempotency-Key": "same"], body: body)
            box.set(index, service.handle(request).status)
        }
        let statuses = box.statuses
        #expect(statuses.allSatisfy { $0 == 201 || $0 == 409 }, "\(statuses)")
        #expect(statuses.contains(201))
        #expect(try tester.query("SELECT id FROM shows").count == 1)
        #expect(try tester.published(ShowRegistered.self).count == 1)
    }
}

/// Show's context with two routes that register a show and then die, as a process would,
/// between the commit and the answer: one decides its answer in the transaction, one after it.
private enum DyingAfterCommit: BoundedContext {
    static let system = ShowContext.system
    static let name = ShowContext.name
    static let publishes = ShowContext.publishes
    static let migrations = ShowContext.migrations
    struct Died: Error {}

    static func register(_ work: UnitOfWork) throws -> Show {
        try Show.resource.insert(["show_name": .text("Cats"), "total_count": .int(10), "remain_count": .int(10)], work.db)
    }

    static func install(on service: Service) throws {
        service.route("POST", "/answer") { request in
            _ = try service.answer { work in Show.resource.created(try register(work), for: request) }
            throw Died()
        }
        service.route("POST", "/transaction") { _ in
            _ = try service.transaction(register)
            throw Died()
        }
        service.readRoutes(Show.resource)
    }
}

/// The statuses of concurrent requests, one slot each.
private final class StatusesBox: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Int]
    init(count: Int) { slots = Array(repeating: 0, count: count) }
    func set(_ index: Int, _ status: Int) { lock.withLock { slots[index] = status } }
    var statuses: [Int] { lock.withLock { slots } }
}
