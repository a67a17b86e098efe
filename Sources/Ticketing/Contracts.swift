import Chassis

// The published language of the ticketing system: every event its contexts exchange, with the
// seed's camelCase field names. Topics belong to publishers (`ticketing.<context>`); each event
// carries the booking id that ties its saga together as `correlation_id`.

public enum Topics {
    public static let booking = "ticketing.booking"
    public static let show = "ticketing.show"
    public static let pay = "ticketing.pay"
    public static let issuance = "ticketing.issuance"
}

/// The status strings of SYSTEMS.md §1: the API contract.
public enum BookStatus {
    public static let booked = "Booked", confirmed = "Confirmed", failed = "Failed", cancelled = "Cancelled"
}

public enum PayStatus {
    public static let paid = "Paid", cancelled = "Cancelled"
}

public enum IssueStatus {
    public static let issuable = "Issuable", issued = "Issued", cancelled = "Cancelled"
}

// MARK: ticketing.booking — key: booking id

/// A customer booked `qty` seats at `amount` per ticket; the show is asked for the seats.
public struct BookingPlaced: DomainEvent {
    public let id: Int, showId: Int, showName: String, qty: Int, amount: Int, bookStatus: String
    public var aggregateID: String { String(id) }
}

/// The seats were taken: the booking is to be charged `qty × amount`.
public struct BookingConfirmed: DomainEvent {
    public let id: Int, showId: Int, showName: String, qty: Int, amount: Int, bookStatus: String
    public var aggregateID: String { String(id) }
}

/// Too few seats remained (or the show is unknown): nothing is charged.
public struct BookingFailed: DomainEvent {
    public let id: Int, showId: Int, qty: Int, reason: String, bookStatus: String
    public var aggregateID: String { String(id) }
}

/// The customer cancelled. A confirmed booking has a payment: pay voids the ticket and cancels
/// it, and the show releases the seats on `PaymentCancelled`. An unconfirmed one has none: the
/// show releases its seats at once.
public struct BookingCancelled: DomainEvent {
    public let id: Int, showId: Int, qty: Int, bookStatus: String, wasConfirmed: Bool
    public var aggregateID: String { String(id) }
}

/// The cancellation lost a race with the ticket's issue: the booking is confirmed again.
public struct BookingReinstated: DomainEvent {
    public let id: Int, reason: String, bookStatus: String
    public var aggregateID: String { String(id) }
}

// MARK: ticketing.show — key: show id

public struct ShowRegistered: DomainEvent {
    public let id: Int, showName: String, totalCount: Int, remainCount: Int
    public var aggregateID: String { String(id) }
    /// Not part of any booking's saga: prefixed so that tracing booking 1 does not find show 1.
    public var correlationID: String { "show-\(id)" }
}

public struct SeatsReserved: DomainEvent {
    public let showId: Int, bookingId: Int, qty: Int, remainCount: Int
    public var aggregateID: String { String(showId) }
    public var correlationID: String { String(bookingId) }
}

public struct SeatsRejected: DomainEvent {
    public let showId: Int, bookingId: Int, qty: Int, remainCount: Int, reason: String
    public var aggregateID: String { String(showId) }
    public var correlationID: String { String(bookingId) }
}

public struct SeatsReleased: DomainEvent {
    public let showId: Int, bookingId: Int, qty: Int, remainCount: Int
    public var aggregateID: String { String(showId) }
    public var correlationID: String { String(bookingId) }
}

// MARK: ticketing.pay — key: payment id

public struct PaymentApproved: DomainEvent {
    public let id: Int, bookId: Int, amount: Int, status: String
    public var aggregateID: String { String(id) }
    public var correlationID: String { String(bookId) }
}

public struct PaymentCancelled: DomainEvent {
    public let id: Int, bookId: Int, amount: Int, status: String
    public var aggregateID: String { String(id) }
    public var correlationID: String { String(bookId) }
}

/// Issuance refused to void the ticket because it had been issued: the payment stands.
public struct PaymentCancellationRefused: DomainEvent {
    public let id: Int, bookId: Int, reason: String, status: String
    public var aggregateID: String { String(id) }
    public var correlationID: String { String(bookId) }
}

// MARK: ticketing.issuance — key: ticket id

public struct TicketIssuable: DomainEvent {
    public let id: Int, bookId: Int, issueStatus: String
    public var aggregateID: String { String(id) }
    public var correlationID: String { String(bookId) }
}

public struct TicketIssued: DomainEvent {
    public let id: Int, bookId: Int, issueStatus: String
    public var aggregateID: String { String(id) }
    public var correlationID: String { String(bookId) }
}

public struct TicketCancelled: DomainEvent {
    public let id: Int, bookId: Int, issueStatus: String
    public var aggregateID: String { String(id) }
    public var correlationID: String { String(bookId) }
}
