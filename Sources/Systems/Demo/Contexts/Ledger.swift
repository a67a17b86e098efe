import Chassis
import Foundation
import HTTP
import Storage

/// A small bounded context that exercises the whole chassis: a command that records an entry
/// and publishes `EntryRecorded` through the outbox, and a policy that consumes those events
/// into an `effects` table. Effects have no unique key, so a duplicate effect would show.
public enum Ledger: BoundedContext {
    public static let system = demo
    public static let name = "ledger"
    public static let publishes: [any DomainEvent.Type] = [EntryRecorded.self]
    public static let migrations = [
        Migration(1, "entries and effects", """
            CREATE TABLE entries (id INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, amount INTEGER NOT NULL);
            CREATE TABLE effects (
                id INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, entry_id INTEGER NOT NULL, account TEXT NOT NULL, amount INTEGER NOT NULL,
                instance TEXT NOT NULL, processed_at TEXT NOT NULL
            );
            """),
    ]

    public static func install(on service: Service) throws {
        let instance = service.configuration.environment["INSTANCE_NAME"] ?? service.name
        let delay = try service.configuration.int("DEMO_PROCESSING_DELAY_MS", default: 0, in: 0...60_000)

        service.route("POST", "/entries", body: RecordEntry.self, answers: .created(entries)) { request, command in
            try service.answer { work in
                let entry = try entries.insert(["account": .text(command.account), "amount": .int(command.amount)], work.db)
                try work.publish(EntryRecorded(entryId: entry.id, account: command.account, amount: command.amount))
                return entries.created(entry, for: request)
            }
        }
        service.readRoutes(entries)
        service.readRoutes(effects)

        service.on(EntryRecorded.self, from: service.topic) { event, context, work in
            if delay > 0 { Thread.sleep(forTimeInterval: Double(delay) / 1000) }
            try work.db.execute("""
                INSERT INTO effects (event_id, entry_id, account, amount, instance, processed_at) VALUES (?, ?, ?, ?, ?, ?)
                """, .text(context.envelope.id), .int(event.entryId), .text(event.account), .int(event.amount),
                .text(instance), .text(context.envelope.time))
        }
    }

    struct Entry: Codable, Sendable, Identifiable { let id: Int, account: String, amount: Int }
    static let entries = Resource<Entry>("entries", rel: "entry")

    /// One processed event; a duplicate effect would show as two rows with one `eventId`.
    struct Effect: Codable, Sendable, Identifiable { let id: Int, eventId: String, entryId: Int, instance: String }
    static let effects = Resource<Effect>("effects", rel: "effect")
}

/// `POST /entries account=… amount=…`.
struct RecordEntry: RequestBody {
    let account: String, amount: Int

    func validate() throws(Problem) {
        guard !account.isEmpty else { throw .badRequest("field 'account' must not be empty") }
    }
}
