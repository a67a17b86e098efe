/// One system under chaos: the load it takes and what must hold once it settled.
protocol Scenario: AnyObject, Sendable {
    /// What one command of the load makes, plural: "bookings".
    var noun: String { get }
    var client: CarefulClient { get }
    /// What `violations` checks, said when it all held.
    var invariants: String { get }

    /// Makes what the load needs (shows, musicals), room enough for `commands` commands.
    func prepare(commands: Int) throws
    /// Runs command `number` to its definite end, `random` choosing its details.
    func command(_ number: Int, random: UInt64)
    /// What does not hold; empty when it all does.
    func violations() throws -> [String]
    /// The accepted commands' final statuses, counted, for the summary.
    func outcomes() throws -> [String: Int]
}

extension Scenario {
    var stack: Stack { client.stack }
    var runID: String { client.runID }
}

/// The systems whose invariants are written down.
let scenarios: [String: @Sendable (CarefulClient) -> any Scenario] = [
    "ticketing": { TicketingChaos(client: $0) },
    "musical": { StockChaos(.musical, client: $0) },
    "gifticon": { StockChaos(.gifticon, client: $0) },
    "hotel": { HotelChaos(client: $0) },
    "bikeshare": { BikeShareChaos(client: $0) },
]
