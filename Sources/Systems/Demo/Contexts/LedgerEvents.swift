import Chassis

/// The demo system's published language.
public struct EntryRecorded: DomainEvent, Equatable {
    public let entryId: Int
    public let account: String
    public let amount: Int

    public init(entryId: Int, account: String, amount: Int) {
        self.entryId = entryId; self.account = account; self.amount = amount
    }

    /// Keyed by account, so one account's entries stay in order on one partition.
    public var aggregateID: String { account }
    public var correlationID: String? { "entry-\(entryId)" }
}
