import Chassis

// The published language of the ticketing system: every event its contexts exchange, with the
// seed's camelCase field names. Topics belong to publishers (`ticketing.<context>`); each event
// carries the booking id that ties its saga together as `correlation_id`: a booking's events as
// their aggregate id, a policy's events by continuing the saga of the event they react to (the
// chassis carries it), a ticket's events because they name their booking.

public enum Topics {
    public static let booking = ticketing["booking"].topic
    public static let show = ticketing["show"].topic
    public static let pay = ticketing["pay"].topic
    public static let issuance = ticketing["issuance"].topic
}

/// The status strings of SYSTEMS.md §1 (the API contract) and the moves each allows.
public enum BookStatus: String, Lifecycle {
    case booked = "Booked", confirmed = "Confirmed", failed = "Failed", cancelled = "Cancelled"
    public static let transitions: [Self: Set<Self>] = [
        .booked: [.confirmed, .failed, .cancelled],
        .confirmed: [.cancelled],
        // Reinstated: the ticket was issued before the cancellation reached issuance.
        .cancelled: [.confirmed],
    ]
    public static let requestable: Set<Self> = [.cancelled]
}

public enum PayStatus: String, Lifecycle {
    case paid = "Paid", cancelled = "Cancelled"
    public static let transitions: [Self: Set<Self>] = [.paid: [.cancelled]]
}

public enum IssueStatus: String, Lifecycle {
    case issuable = "Issuable", issued = "Issued", cancelled = "Cancelled"
    public static let transitions: [Self: Set<Self>] = [.issuable: [.issued, .cancelled]]
    public static let requestable: Set<Self> = [.issued]
}

// MARK: ticketing.booking — key: booking id

/// A customer booked `qty` seats at `amount` per ticket; the show is asked for the seats.
public struct BookingPlaced: DomainEvent, Equatable {
    public let id: Int, showId: Int, showName: String, qty: Int, amount: Int, bookStatus: BookStatus
    public var aggregateID: String { String(id) }
}

/// The seats were taken: the booking is to be charged `qty × amount`.
public struct BookingConfirmed: DomainEvent, Equatable {
    public let id: Int, showId: Int, showName: String, qty: Int, amount: Int, bookStatus: BookStatus
    public var aggregateID: String { String(id) }
}

/// Too few seats remained (or the show is unknown): nothing is charged.
public struct BookingFailed: DomainEvent, Equatable {
    public let id: Int, showId: Int, qty: Int, reason: String, bookStatus: BookStatus
    public var aggregateID: String { String(id) }
}

/// The customer cancelled. A confirmed booking has a payment: pay voids the ticket and cancels
/// it, and the show releases the seats on `PaymentCancelled`. An unconfirmed one has none: the
/// show releases its seats at once.
public struct BookingCancelled: DomainEvent, Equatable {
    public let id: Int, showId: Int, qty: Int, bookStatus: BookStatus, wasConfirmed: Bool
    public var aggregateID: String { String(id) }
}

/// The cancellation lost a race with the ticket's issue: the booking is confirmed again.
public struct BookingReinstated: DomainEvent, Equatable {
    public let id: Int, reason: String, bookStatus: BookStatus
    public var aggregateID: String { String(id) }
}

// MARK: ticketing.show — key: show id

public struct ShowRegistered: DomainEvent, Equatable {
    public let id: Int, showName: String, totalCount: Int, remainCount: Int
    public var aggregateID: String { String(id) }
    /// Not part of any booking's saga: prefixed so that tracing booking 1 does not find show 1.
    public var correlationID: String? { "show-\(id)" }
}

public struct SeatsReserved: DomainEvent, Equatable {
    public let showId: Int, bookingId: Int, qty: Int, remainCount: Int
    public var aggregateID: String { String(showId) }
}

public struct SeatsRejected: DomainEvent, Equatable {
    public let showId: Int, bookingId: Int, qty: Int, remainCount: Int, reason: String
    public var aggregateID: String { String(showId) }
}

public struct SeatsReleased: DomainEvent, Equatable {
    public let showId: Int, bookingId: Int, qty: Int, remainCount: Int
    public var aggregateID: String { String(showId) }
}

// MARK: ticketing.pay — key: payment id

public struct PaymentApproved: DomainEvent, Equatable {
    public let id: Int, bookId: Int, amount: Int, status: PayStatus
    public var aggregateID: String { String(id) }
}

public struct PaymentCancelled: DomainEvent, Equatable {
    public let id: Int, bookId: Int, amount: Int, status: PayStatus
    public var aggregateID: String { String(id) }
}

/// Issuance refused to void the ticket because it had been issued: the payment stands.
public struct PaymentCancellationRefused: DomainEvent, Equatable {
    public let id: Int, bookId: Int, reason: String, status: PayStatus
    public var aggregateID: String { String(id) }
}

// MARK: ticketing.issuance — key: ticket id

public struct TicketIssuable: DomainEvent, Equatable {
    public let id: Int, bookId: Int, issueStatus: IssueStatus
    public var aggregateID: String { String(id) }
}

public struct TicketIssued: DomainEvent, Equatable {
    public let id: Int, bookId: Int, issueStatus: IssueStatus
    public var aggregateID: String { String(id) }
    public var correlationID: String? { String(bookId) }
}

public struct TicketCancelled: DomainEvent, Equatable {
    public let id: Int, bookId: Int, issueStatus: IssueStatus
    public var aggregateID: String { String(id) }
    public var correlationID: String? { String(bookId) }
}
