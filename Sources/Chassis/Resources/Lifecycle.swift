import HTTP
import Storage

/// A resource's status as a type: the seeds' strings as raw values (the JSON and the column hold
/// exactly those), and every allowed move declared once. The transition helpers, the uniform
/// 404/409 answers and the status-only `PATCH` check all read this declaration.
///
///     enum BookStatus: String, Lifecycle {
///         case booked = "Booked", confirmed = "Confirmed", failed = "Failed", cancelled = "Cancelled"
///         static let transitions: [Self: Set<Self>] = [.booked: [.confirmed, .failed, .cancelled], .confirmed: [.cancelled]]
///         static let requestable: Set<Self> = [.cancelled]
///     }
public protocol Lifecycle: RawRepresentable<String>, Codable, Sendable, Hashable, CaseIterable {
    /// From each status, the statuses it may move to.
    static var transitions: [Self: Set<Self>] { get }
    /// The statuses a client may ask for in a `PATCH`; the rest follow from the saga.
    static var requestable: Set<Self> { get }
}

extension Lifecycle {
    public static var requestable: Set<Self> { [] }

    /// The statuses from which `status` may be reached.
    public static func sources(of status: Self) -> [Self] {
        allCases.filter { transitions[$0]?.contains(status) == true }
    }

    /// The status `text` a `PATCH` body asks for in `field`: 400 unless it is one a client may
    /// set. `otherwise` says how the others come about.
    public static func requested(_ text: String, field: String, otherwise: String = "the others follow from the saga") throws(Problem) -> Self {
        guard let status = Self(rawValue: text), requestable.contains(status) else {
            let allowed = allCases.filter(requestable.contains).map { "'\($0.rawValue)'" }.joined(separator: " or ")
            throw .badRequest(allowed.isEmpty ? "\(field) cannot be set; \(otherwise)"
                                              : "only \(field) \(allowed) can be set, not '\(text)'; \(otherwise)")
        }
        return status
    }
}

extension SQLValue {
    /// A status, stored as its string.
    public static func status<S: Lifecycle>(_ status: S) -> SQLValue { .text(status.rawValue) }
}

extension Resource {
    /// A policy's move: record `id` goes from one of `from` to `status` in one statement, if it
    /// is in one of them; the record as it is now, or nil when it is absent or elsewhere (a
    /// redelivered or overtaken event changes nothing). Each source must be declared in
    /// `S.transitions`; naming them here keeps a rarer move (a reinstatement) from opening the
    /// way for a common one.
    public func transition<S: Lifecycle>(_ id: Int, from: [S], to status: S, _ c: Connection) throws -> Record? {
        let declared = S.sources(of: status)
        precondition(from.allSatisfy(declared.contains), "\(S.self): \(from) → \(status) is not declared in transitions")
        return try move(id, from: from, to: status, c)
    }

    /// A client's command: record `id` moves to `status` from any status declared to allow it;
    /// a 404 when there is no such record, a 409 naming its status when that does not allow it.
    public func command<S: Lifecycle>(_ id: Int, to status: S, _ c: Connection) throws -> Record {
        if let record = try move(id, from: S.sources(of: status), to: status, c) { return record }
        let column = statusColumn!
        guard let row = try c.queryOne("SELECT \(column) FROM \(table) WHERE \(idColumn) = ?", .int(id)) else {
            throw Problem.notFound("no \(noun) \(id)")
        }
        throw Problem.conflict("\(noun) \(id) cannot become \(status.rawValue): it is \(try row.string(column))")
    }

    /// A policy's compensation, whatever order the saga's events arrive in: the record whose
    /// `column` is `key` moves from one of `from` to `status`; when there is no such record yet
    /// (the undo read before the do, a replayed dead letter) a tombstone is inserted, already in
    /// `status`, so that the late do finds it and does nothing. The record when it changed or was
    /// inserted, nil when it had changed already.
    public func compensate<S: Lifecycle>(_ column: String, _ key: Int, from: [S], to status: S, _ c: Connection) throws -> Record? {
        if let record = try first(where: "\(column) = ?", [.int(key)], c) {
            return try transition(record.id, from: from, to: status, c)
        }
        return try insertIfAbsent([column: .int(key), statusColumn!: .status(status)], c)
    }

    private func move<S: Lifecycle>(_ id: Int, from: [S], to status: S, _ c: Connection) throws -> Record? {
        guard let column = statusColumn else { preconditionFailure("\(path) declares no status column") }
        guard !from.isEmpty else { return nil }
        let slots = Array(repeating: "?", count: from.count).joined(separator: ", ")
        return try update([column: .status(status)], where: "\(idColumn) = ? AND \(column) IN (\(slots))",
                          [.int(id)] + from.map { .status($0) }, c).first
    }
}
