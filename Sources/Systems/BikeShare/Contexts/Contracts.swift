import Chassis

// The published language of the bikeshare system: the seed's `TicketPurchased` and past-tense
// events in its style, with its camelCase fields. Topics belong to publishers
// (`bikeshare.<context>`); a pass's saga is its ticket id, which every event of a pass, its
// payment and its rental carries as `correlation_id`.

public enum BikeShareTopics {
    public static let ticket = TicketContext.system["ticket"].topic
    public static let payment = TicketContext.system["payment"].topic
    public static let bicycle = TicketContext.system["bicycle"].topic
    public static let message = TicketContext.system["message"].topic
}

/// `"1"`: 60 minutes for 1000 won; `"2"`: 120 minutes for 2000 won.
public enum TicketType: String, Codable, Sendable, CaseIterable {
    case oneHour = "1", twoHours = "2"
    public var minutes: Int { self == .oneHour ? 60 : 120 }
    public var amount: Int { self == .oneHour ? 1000 : 2000 }
}

/// The status strings of SYSTEMS.md §2 (the API contract) and the moves each allows.
public enum TicketStatus: String, Lifecycle {
    case readyForPay = "ReadyForPay", ticketPurchased, ticketUsed, refunded
    public static let transitions: [Self: Set<Self>] = [
        .readyForPay: [.ticketPurchased, .refunded],
        .ticketPurchased: [.ticketUsed, .refunded],
        // The rent that used it could not be stored: the pass is given back.
        .ticketUsed: [.ticketPurchased],
    ]
}

public enum PaymentStatus: String, Lifecycle {
    case paymentApproved, paymentCancelled
    public static let transitions: [Self: Set<Self>] = [.paymentApproved: [.paymentCancelled]]
}

public enum BicycleStatus: String, Lifecycle {
    case registered = "Registered", rented = "Rented", available = "Available", deleted = "Deleted"
    public static let transitions: [Self: Set<Self>] = [
        .registered: [.rented, .deleted], .rented: [.available], .available: [.rented, .deleted],
    ]
}

// MARK: bikeshare.ticket — key: ticketId

/// A pass was bought and waits for its payment.
public struct TicketCreated: DomainEvent, Equatable {
    public let ticketId: Int, ticketType: TicketType, ticketStatus: TicketStatus, buyerPhoneNum: String?
    public var aggregateID: String { String(ticketId) }
}

/// The pass is paid: it may rent a bicycle once.
public struct TicketPurchased: DomainEvent, Equatable {
    public let ticketId: Int, ticketType: TicketType, ticketStatus: TicketStatus
    public var aggregateID: String { String(ticketId) }
}

/// A rental used the pass.
public struct TicketUsed: DomainEvent, Equatable {
    public let ticketId: Int, rentalId: String, ticketStatus: TicketStatus
    public var aggregateID: String { String(ticketId) }
    public var correlationID: String? { String(ticketId) }
}

/// The rental that used it could not be stored: the pass may rent again.
public struct TicketUseReturned: DomainEvent, Equatable {
    public let ticketId: Int, rentalId: String, ticketStatus: TicketStatus
    public var aggregateID: String { String(ticketId) }
    public var correlationID: String? { String(ticketId) }
}

/// The customer cancelled an unused pass: its payment is cancelled.
public struct TicketRefunded: DomainEvent, Equatable {
    public let ticketId: Int, ticketStatus: TicketStatus
    public var aggregateID: String { String(ticketId) }
}

// MARK: bikeshare.payment — key: paymentId

public struct PaymentApproved: DomainEvent, Equatable {
    public let paymentId: Int, ticketId: Int, ticketAmt: Int, paymentStatus: PaymentStatus
    public var aggregateID: String { String(paymentId) }
    public var correlationID: String? { String(ticketId) }
}

public struct PaymentCancelled: DomainEvent, Equatable {
    public let paymentId: Int, ticketId: Int, ticketAmt: Int, paymentStatus: PaymentStatus
    public var aggregateID: String { String(paymentId) }
    public var correlationID: String? { String(ticketId) }
}

// MARK: bikeshare.bicycle — key: bicycleId

public struct BicycleRegistered: DomainEvent, Equatable {
    public let bicycleId: Int, bicycleStatus: BicycleStatus
    public var aggregateID: String { String(bicycleId) }
    public var correlationID: String? { "bicycle-\(bicycleId)" }
}

public struct BicycleRented: DomainEvent, Equatable {
    public let bicycleId: Int, ticketId: Int, usingTime: Int, rentedAt: String, bicycleStatus: BicycleStatus
    public var aggregateID: String { String(bicycleId) }
    public var correlationID: String? { String(ticketId) }
}

public struct BicycleReturned: DomainEvent, Equatable {
    public let bicycleId: Int, ticketId: Int, returnedAt: String, bicycleStatus: BicycleStatus
    public var aggregateID: String { String(bicycleId) }
    public var correlationID: String? { String(ticketId) }
}

public struct BicycleDeleted: DomainEvent, Equatable {
    public let bicycleId: Int, bicycleStatus: BicycleStatus
    public var aggregateID: String { String(bicycleId) }
    public var correlationID: String? { "bicycle-\(bicycleId)" }
}

// MARK: bikeshare.message — key: messageId

public struct MessageSent: DomainEvent, Equatable {
    public let messageId: Int, ticketId: Int, bicycleId: Int, kind: String, text: String
    public var aggregateID: String { String(messageId) }
}
