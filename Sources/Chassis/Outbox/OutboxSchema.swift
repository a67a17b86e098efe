import Storage

/// The chassis' own tables. They are created idempotently at start, apart from the service's
/// numbered migrations, so every service's migrations can start at 1.
enum ChassisSchema {
    static let statements = [
        """
        CREATE TABLE IF NOT EXISTS outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            topic TEXT NOT NULL,
            message_key TEXT NOT NULL,
            headers TEXT NOT NULL,
            payload BLOB NOT NULL,
            created_at TEXT NOT NULL
        )
        """,
        // One relay publishes at a time, even when replicas share the database.
        """
        CREATE TABLE IF NOT EXISTS outbox_lease (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            owner TEXT NOT NULL,
            expires_at REAL NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS inbox (
            consumer_group TEXT NOT NULL,
            event_id TEXT NOT NULL,
            event_type TEXT NOT NULL,
            topic TEXT NOT NULL,
            processed_at TEXT NOT NULL,
            PRIMARY KEY (consumer_group, event_id)
        )
        """,
        // Events this service's consumer dead-lettered, by ce_id: re-reading them after an offset
        // reset does not dead-letter them again.
        """
        CREATE TABLE IF NOT EXISTS dead_letters (
            consumer_group TEXT NOT NULL,
            event_id TEXT NOT NULL,
            dead_letter_topic TEXT NOT NULL,
            dead_lettered_at TEXT NOT NULL,
            PRIMARY KEY (consumer_group, event_id)
        )
        """,
        // Keys of POSTs that took effect, and their answers (see `IdempotentRequests`).
        """
        CREATE TABLE IF NOT EXISTS idempotency_keys (
            idempotency_key TEXT PRIMARY KEY,
            fingerprint TEXT NOT NULL,
            created_at REAL NOT NULL,
            status INTEGER,
            headers TEXT,
            body BLOB,
            location TEXT
        )
        """,
    ]

    static func create(in db: Database) throws {
        try db.write { c in for sql in statements { try c.execute(sql) } }
        // Added after the table first shipped: a database made before gets the column.
        do {
            _ = try db.read { c in try c.query("SELECT location FROM idempotency_keys WHERE 0 = 1") }
        } catch let error as DatabaseError where error.kind != .unavailable && error.kind != .conflict {
            _ = try db.write { c in try c.execute("ALTER TABLE idempotency_keys ADD COLUMN location TEXT") }
        }
    }
}
