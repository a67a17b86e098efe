import Chassis

// The published language of the hotel system: the seed's `Ordered`, `OrderCanceled`,
// `PaymentApproved` and `PaymentCanceled` (its spelling), and the reservation's events in the
// same style, with camelCase fields. Topics belong to publishers (`hotel.<context>`); every
// event of an order, its payment and its reservation carries the order id as `correlation_id`.

public enum HotelTopics {
    public static let order = OrderContext.system["order"].topic
    public static let reservation = OrderContext.system["reservation"].topic
    public static let payment = OrderContext.system["payment"].topic
    public static let notification = OrderContext.system["notification"].topic
}

/// The price of a night by room type, which the seed leaves out: `roomType` is free text, read
/// case-insensitively; a type not listed is charged the standard rate.
public enum RoomPrice {
    public static let standard = 100_000
    public static let byType = ["standard": standard, "normal": standard, "delux": 150_000, "deluxe": 150_000,
                                "prime": 250_000, "suite": 300_000]

    public static func amount(for roomType: String) -> Int { byType[roomType.lowercased()] ?? standard }
}

/// The status strings of SYSTEMS.md §5 (the API contract) and the moves each allows.
public enum OrderStatus: String, Lifecycle {
    case ordered = "Ordered", paid = "Paid", confirmed = "Confirmed", cancelled = "Cancelled"
    public static let transitions: [Self: Set<Self>] = [.ordered: [.paid], .paid: [.confirmed, .cancelled], .confirmed: [.cancelled]]
}

public enum PaymentStatus: String, Lifecycle {
    case paymentApproved = "PaymentApproved", paymentCancelled = "PaymentCancelled"
    public static let transitions: [Self: Set<Self>] = [.paymentApproved: [.paymentCancelled]]
}

public enum ReservationStatus: String, Lifecycle {
    case requested = "Requested", confirmed = "Confirmed", cancelled = "Cancelled"
    public static let transitions: [Self: Set<Self>] = [.requested: [.confirmed, .cancelled], .confirmed: [.cancelled]]
}

// MARK: hotel.order — key: order id

/// A paid order: the hotel is asked for the room.
public struct Ordered: DomainEvent, Equatable {
    public let id: Int, name: String, roomType: String, guestCnt: Int?, amount: Int, status: OrderStatus
    public var aggregateID: String { String(id) }
}

/// The customer cancelled: the payment is cancelled (by call), the reservation by this event.
public struct OrderCanceled: DomainEvent, Equatable {
    public let id: Int, status: OrderStatus
    public var aggregateID: String { String(id) }
}

// MARK: hotel.payment — key: payment id

public struct PaymentApproved: DomainEvent, Equatable {
    public let id: Int, orderId: Int, amount: Int, status: PaymentStatus
    public var aggregateID: String { String(id) }
    public var correlationID: String? { String(orderId) }
}

public struct PaymentCanceled: DomainEvent, Equatable {
    public let id: Int, orderId: Int, amount: Int, status: PaymentStatus
    public var aggregateID: String { String(id) }
    public var correlationID: String? { String(orderId) }
}

// MARK: hotel.reservation — key: reservation id

public struct ReservationRequested: DomainEvent, Equatable {
    public let id: Int, orderId: Int, status: ReservationStatus
    public var aggregateID: String { String(id) }
    public var correlationID: String? { String(orderId) }
}

public struct ReservationConfirmed: DomainEvent, Equatable {
    public let id: Int, orderId: Int, status: ReservationStatus
    public var aggregateID: String { String(id) }
    public var correlationID: String? { String(orderId) }
}

public struct ReservationCanceled: DomainEvent, Equatable {
    public let id: Int, orderId: Int, status: ReservationStatus
    public var aggregateID: String { String(id) }
    public var correlationID: String? { String(orderId) }
}

// MARK: hotel.notification — key: notification id

public struct NotificationSent: DomainEvent, Equatable {
    public let id: Int, orderId: Int, channel: String, text: String
    public var aggregateID: String { String(id) }
}
