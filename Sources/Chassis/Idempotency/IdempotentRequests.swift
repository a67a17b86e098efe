import Foundation
import HTTP
import JSON
import Storage

/// `Idempotency-Key` on `POST` (IETF draft-ietf-httpapi-idempotency-key-header): a client that
/// did not get its answer (a 502 while the service restarted after committing, a timeout) sends
/// the same request with the same key, and gets the first answer instead of a second booking.
///
/// The key is recorded in the request's first transaction, with the effects it commits, so a
/// request whose transaction rolled back (or never ran) leaves no trace and may simply run again.
/// Its answer is stored with its last transaction's effects when that transaction decides it
/// (`Service.answer`), else right after; and replayed to every retry. A retry that comes while the
/// first request is still between its commit and its answer (or after a crash there) gets a 409
/// with `Retry-After`: its effect exists, its answer is not known yet. The same key with another
/// request is a 422. Keys are forgotten after `IDEMPOTENCY_KEY_TTL_SECONDS` (a day).
///
/// A 5xx the handler answers or throws as a `Problem` says its effect is undone (an order
/// withdrawn when payment failed): the key goes, and a retry runs in full. Any other failure once
/// the key is committed (a later transaction failing on a busy database, a crash) leaves the
/// key, since what committed stays. Past `answerDeadline` no answer is coming: a retry then gets
/// what the request created (the first resource it inserted, read as a `GET` would, as a `201`
/// with its `Location`), or, when it created nothing, a 409 without `Retry-After` saying the
/// answer is lost.
enum IdempotentRequests {
    static let header = "Idempotency-Key"

    /// The key the request being handled on this thread brings, until its first transaction records it.
    final class Claim: @unchecked Sendable {
        let key: String
        let fingerprint: String
        /// The key is committed. Only the request's thread touches these.
        var recorded = false
        /// The open transaction inserted the key; it counts once that transaction commits (one
        /// rolled back, or run again after a conflict, inserts it again).
        var inserting = false
        /// Its answer committed with its effects (`Service.answer`): nothing is left to store.
        var answered = false

        init(key: String, fingerprint: String) { self.key = key; self.fingerprint = fingerprint }
    }

    @TaskLocal static var current: Claim?

    /// A second request with a recorded key reached its transaction: it must not commit.
    struct AlreadyRecorded: Error {}

    /// Runs `handler` for `request`, or answers from what an earlier request with its key left.
    /// `reading` answers a `GET` of the service's own resources.
    static func handle(_ request: HTTPRequest, database: Database, reading: (HTTPRequest) -> HTTPResponse?,
                       _ handler: (HTTPRequest) throws -> HTTPResponse) throws -> HTTPResponse {
        guard request.method == "POST", let key = request.headers[header] else { return try handler(request) }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw Problem.badRequest("\(header) must be 1 to 255 visible ASCII characters")
        }
        // Keys are the caller's own: another subject's request with the same key is another request.
        let subject = request.headers[HeaderName.authenticatedSubject] ?? ""
        let claim = Claim(key: subject.isEmpty ? key : "\(subject) \(key)", fingerprint: fingerprint(request))
        switch try earlierAnswer(for: claim, database) {
        case .none: break
        case .answered(let earlier): return earlier
        case .lost(let location): return try recovered(location, of: request, for: claim, database, reading)
        }
        let response: HTTPResponse
        do {
            response = try $current.withValue(claim) { try handler(request) }
        } catch is AlreadyRecorded {
            throw inProgress
        } catch let problem as Problem where claim.recorded {
            // Committed, then refused for good (that is its answer), or undone (a 5xx).
            if problem.status < 500 { try store(problem.response, for: claim, database) } else { forget(claim, database) }
            throw problem
        }
        guard claim.recorded, !claim.answered else { return response }
        if response.status >= 500 {
            forget(claim, database)
        } else {
            try store(response, for: claim, database)
        }
        return response
    }

    /// The request answered a 5xx (the service says it undid what it did): its key goes, so that
    /// a retry runs in full. Never a key that already has an answer. Best effort: a key left
    /// behind is answered as one whose answer was lost.
    private static func forget(_ claim: Claim, _ database: Database) {
        _ = try? database.write { c in
            try c.execute("DELETE FROM idempotency_keys WHERE idempotency_key = ? AND status IS NULL", .text(claim.key))
        }
    }

    /// In the request's transaction on `c`, before its own work: records the key, in the first
    /// transaction that commits.
    static func record(on c: Connection) throws {
        guard let claim = current, !claim.recorded else { return }
        let inserted = try c.execute("""
            INSERT INTO idempotency_keys (idempotency_key, fingerprint, created_at) VALUES (?, ?, ?)
            ON CONFLICT (idempotency_key) DO NOTHING
            """, .text(claim.key), .text(claim.fingerprint), .real(Date().timeIntervalSince1970))
        guard inserted == 1 else { throw AlreadyRecorded() }
        claim.inserting = true
    }

    /// In the same transaction, after `record`: the first resource the request creates is where
    /// its answer can be found again if the answer itself is lost.
    static func created(_ location: String, on c: Connection) throws {
        guard let claim = current, claim.inserting || claim.recorded else { return }
        try c.execute("UPDATE idempotency_keys SET location = ? WHERE idempotency_key = ? AND location IS NULL", .text(location), .text(claim.key))
    }

    /// In the request's transaction, once its whole answer is known (`Service.answer`): the answer
    /// commits with the effects, so that no crash can come between them. Not a 5xx, which says
    /// the effects are undone. True when it stored it; `answerCommitted` once that committed.
    static func answered(_ response: HTTPResponse, on c: Connection) throws -> Bool {
        guard let claim = current, claim.inserting || claim.recorded, response.status < 500 else { return false }
        return try write(response, for: claim, on: c)
    }

    static func answerCommitted() {
        current?.answered = true
    }

    /// After the transaction that ran `record` committed.
    static func committed() {
        guard let claim = current, claim.inserting else { return }
        claim.recorded = true
        claim.inserting = false
    }

    /// Forgets keys older than `ttl`; a job runs it.
    static func expire(_ database: Database, ttl: Duration) throws {
        let cutoff = Date().timeIntervalSince1970 - Double(ttl.components.seconds)
        _ = try database.write { c in try c.execute("DELETE FROM idempotency_keys WHERE created_at < ?", .real(cutoff)) }
    }

    private static let inProgress = Problem(status: 409, detail: "a request with this \(header) has taken effect and its answer is not ready; retry",
                                            headers: ["Retry-After": "1"])

    /// How long a request may take from its commit to its answer; a key with no answer after
    /// this is one whose process died on the way. Requests answer within seconds (upstream calls
    /// and statements have deadlines well under it), and what a request left half done is settled
    /// before it (hotel withdraws an order its payment never answered after 30 s).
    static let answerDeadline: TimeInterval = 60

    private enum Earlier {
        case none
        case answered(HTTPResponse)
        /// Took effect, and no answer is coming: what it created, if anything.
        case lost(location: String?)
    }

    private static func earlierAnswer(for claim: Claim, _ database: Database) throws -> Earlier {
        guard let row = try database.read({ c in
            try c.queryOne("SELECT fingerprint, created_at, status, headers, body, location FROM idempotency_keys WHERE idempotency_key = ?",
                           .text(claim.key))
        }) else { return .none }
        guard try row.string("fingerprint") == claim.fingerprint else {
            throw Problem(status: 422, detail: "this \(header) was used for another request")
        }
        guard let status = try row.optionalInt("status") else {
            guard Date().timeIntervalSince1970 - (try row.double("created_at")) > answerDeadline else { throw inProgress }
            return .lost(location: try row.optionalString("location"))
        }
        var headers: HTTPHeaders = [:]
        if case .object(let fields)? = try? JSONNode(parsing: try row.string("headers").utf8) {
            for name in fields.distinctKeys { if case .string(let value)? = fields[name] { headers[name] = value } }
        }
        return .answered(HTTPResponse(status: status, headers: headers, body: try row.blob("body")))
    }

    /// The answer a request whose own answer was lost gets: what it created as it is now, kept
    /// as its answer from then on.
    private static func recovered(_ location: String?, of request: HTTPRequest, for claim: Claim, _ database: Database,
                                  _ reading: (HTTPRequest) -> HTTPResponse?) throws -> HTTPResponse {
        guard let location else {
            throw Problem(status: 409, detail: "a request with this \(header) took effect and its answer was lost; read what it changed")
        }
        var headers = request.headers
        headers[header] = nil
        guard let read = reading(HTTPRequest(method: "GET", target: location, headers: headers, body: [])), read.status == 200 else {
            throw Problem(status: 409, detail: "a request with this \(header) took effect and its answer was lost; \(location) cannot be read")
        }
        var answer = HTTPResponse(status: 201, headers: ["Location": location], body: read.body)
        answer.headers["Content-Type"] = read.headers["Content-Type"]
        // Two retries recovering at once: the first stored answer is everyone's.
        guard try store(answer, for: claim, database) else {
            guard case .answered(let stored) = try earlierAnswer(for: claim, database) else { throw inProgress }
            return stored
        }
        return answer
    }

    /// The answer, with the headers that describe it (not per-exchange ones like the correlation id).
    /// False when the key had an answer already (a recovered one).
    @discardableResult
    private static func store(_ response: HTTPResponse, for claim: Claim, _ database: Database) throws -> Bool {
        try database.write { c in try write(response, for: claim, on: c) }
    }

    /// False when the key had an answer already.
    private static func write(_ response: HTTPResponse, for claim: Claim, on c: Connection) throws -> Bool {
        var kept: [String: JSONLine.Value] = [:]
        for name in ["Content-Type", "Location", "Retry-After"] { if let value = response.headers[name] { kept[name] = .string(value) } }
        return try c.execute("UPDATE idempotency_keys SET status = ?, headers = ?, body = ? WHERE idempotency_key = ? AND status IS NULL",
                             .int(response.status), .text(String(decoding: JSONLine.render(kept).dropLast(), as: UTF8.self)),
                             .blob(response.body), .text(claim.key)) == 1
    }

    /// What makes two requests the same one: method, target and body, hashed (FNV-1a, 64 bits)
    /// so that it is the same in every process and after restarts. A JSON body counts in its
    /// canonical form: a client that serialises the same fields again, in another order, retries
    /// the same request.
    private static func fingerprint(_ request: HTTPRequest) -> String {
        let body = (try? JSONNode(parsing: request.body))?.canonicalBytes ?? request.body
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in Array("\(request.method) \(request.target)\n".utf8) + body {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
