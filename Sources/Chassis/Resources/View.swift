import Storage

/// A CQRS view table kept only from consumed events (its manifest lists it under `views`, so
/// `reset-view` may empty it for a rebuild). One row per key, the saga's id; each event speaks
/// for one status column, and facts that never change. A status column `<c>` has a companion
/// `<c>_at` holding the event time that set it: an older event (a replayed dead letter, a topic
/// read late) never takes a status back, so the view converges whatever order topics arrive in.
///
/// A status column that several publishers set, along a path the saga never walks back
/// (`CartAdded` → `PaymentApproved` → `PaymentCancelled`), is declared a `progression`: it then
/// keeps the furthest status along it, which event times from two services cannot always tell
/// (they may fall in the same millisecond).
public struct View: Sendable {
    public let table: String
    public let key: String
    /// By column, its statuses in the order the saga reaches them.
    let progressions: [String: [String]]

    public init(_ table: String, key: String, progressions: [String: [String]] = [:]) {
        self.table = table
        self.key = key
        self.progressions = progressions
    }

    /// What one event says about one row.
    public struct Update: Sendable {
        let key: Int, column: String, value: SQLValue, facts: [(String, SQLValue)]

        public init(_ key: Int, _ column: String, _ value: SQLValue, facts: KeyValuePairs<String, SQLValue> = [:]) {
            self.key = key
            self.column = column
            self.value = value
            self.facts = facts.map { ($0.key, $0.value) }
        }
    }

    /// Upserts the row: the facts always, the status column only if `time` is not older than
    /// the event that set it.
    func apply(_ update: Update, at time: String, _ c: Connection) throws {
        let column = update.column
        let names = update.facts.map(\.0) + [column, "\(column)_at"]
        // The stored row's columns by the table's name: PostgreSQL finds a bare name ambiguous
        // next to `excluded`'s.
        let stored = "\(table).\(column)"
        let newer: String
        if let order = progressions[column] {
            guard case .text(let status) = update.value, let rank = order.firstIndex(of: status) else {
                preconditionFailure("\(table).\(column) is a progression of \(order); \(update.value) is not in it")
            }
            let ranks = order.enumerated().map { "WHEN '\($1)' THEN \($0)" }.joined(separator: " ")
            newer = "\(stored) IS NULL OR (CASE \(stored) \(ranks) ELSE -1 END) <= \(rank)"
        } else {
            newer = "\(stored)_at IS NULL OR \(stored)_at <= excluded.\(column)_at"
        }
        try c.execute("""
            INSERT INTO \(table) (\(key), \(names.joined(separator: ", "))) VALUES (?\(String(repeating: ", ?", count: names.count)))
            ON CONFLICT (\(key)) DO UPDATE SET \(update.facts.map { "\($0.0) = excluded.\($0.0), " }.joined())
                \(column) = CASE WHEN \(newer) THEN excluded.\(column) ELSE \(stored) END,
                \(column)_at = CASE WHEN \(newer) THEN excluded.\(column)_at ELSE \(stored)_at END
            """, [.int(update.key)] + update.facts.map(\.1) + [update.value, .text(time)])
    }
}

extension Service {
    /// Keeps `view` from `E` events on `topic`: each one's `update` applied at its event time.
    public func project<E: DomainEvent>(_ type: E.Type, from topic: String, into view: View,
                                        _ update: @escaping @Sendable (E) -> View.Update) {
        precondition(manifest.views.contains(view.table), "\(name) projects into \(view.table): list it in the manifest's views")
        on(type, from: topic) { event, context, work in try view.apply(update(event), at: context.envelope.time, work.db) }
    }
}
