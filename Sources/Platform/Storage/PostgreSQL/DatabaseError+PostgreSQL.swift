extension DatabaseError {
    /// From a PostgreSQL SQLSTATE: its class (first two characters) tells the kind.
    init(postgreSQL state: String, message: String, sql: String? = nil) {
        let kind: Kind
        switch (state, state.prefix(2)) {
        case ("40001", _), ("40P01", _): kind = .conflict  // serialization failure, deadlock
        case (_, "23"): kind = .constraint
        case (_, "22"): kind = .data
        // connection lost, server shutting down or overloaded, lock or statement timeout
        case (_, "08"), (_, "53"), (_, "57"), ("55P03", _): kind = .unavailable
        case (_, "42"), (_, "25"), (_, "0A"): kind = .misuse
        default: kind = .other
        }
        self.init(kind, engine: "PostgreSQL", code: state, message: message, sql: sql)
    }
}
