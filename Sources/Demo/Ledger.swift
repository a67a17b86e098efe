import Chassis
import Foundation
import HTTP
import SQLite

/// A small bounded context that exercises the whole chassis: a command that records an entry
/// and publishes `EntryRecorded` through the outbox, and a policy that consumes those events
/// into an `effects` table. Effects have no unique key, so a duplicate effect would show.
public enum Ledger {
    public static let migrations = [
        Migration(1, "entries and effects", """
            CREATE TABLE entries (id INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, amount INTEGER NOT NULL);
            CREATE TABLE effects (
                event_id TEXT NOT NULL, entry_id INTEGER NOT NULL, account TEXT NOT NULL, amount INTEGER NOT NULL,
                instance TEXT NOT NULL, processed_at TEXT NOT NULL
            );
            """),
    ]

    public static func install(on service: Service) throws {
        let instance = service.configuration.environment["INSTANCE_NAME"] ?? service.name
        let delay = try service.configuration.int("DEMO_PROCESSING_DELAY_MS", default: 0, in: 0...60_000)

        service.route("POST", "/entries") { request in
            let body = try JSONObject(body: request.body)
            let account = try body.string("account")
            let amount = try body.int("amount")
            guard !account.isEmpty else { throw Problem.badRequest("field 'account' must not be empty") }
            let id = try service.transaction { work in
                try work.db.execute("INSERT INTO entries (account, amount) VALUES (?, ?)", .text(account), .integer(Int64(amount)))
                let id = Int(work.db.lastInsertRowID)
                try work.publish(EntryRecorded(entryId: id, account: account, amount: amount))
                return id
            }
            return .json(Entry(id: id, account: account, amount: amount), status: 201, headers: ["Location": "/entries/\(id)"])
        }

        service.route("GET", "/effects") { _ in
            let rows = try service.database.read { c in
                try c.query("SELECT event_id, entry_id, instance FROM effects ORDER BY rowid")
            }
            let effects = try rows.map { Effect(eventId: try $0.string("event_id"), entryId: try $0.int("entry_id"), instance: try $0.string("instance")) }
            return .json(["_embedded": ["effects": effects]])
        }

        service.on(EntryRecorded.self, from: service.topic) { event, context, work in
            if delay > 0 { Thread.sleep(forTimeInterval: Double(delay) / 1000) }
            try work.db.execute("""
                INSERT INTO effects (event_id, entry_id, account, amount, instance, processed_at) VALUES (?, ?, ?, ?, ?, ?)
                """, .text(context.envelope.id), .integer(Int64(event.entryId)), .text(event.account),
                .integer(Int64(event.amount)), .text(instance), .text(context.envelope.time))
        }
    }

    struct Entry: Codable { let id: Int; let account: String; let amount: Int }
    public struct Effect: Codable, Sendable { public let eventId: String; public let entryId: Int; public let instance: String }
}
