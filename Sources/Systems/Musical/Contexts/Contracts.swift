import Chassis

// The published language of the musical system: past-tense events with the seed's camelCase
// fields. Topics belong to publishers (`musical.<context>`); a reservation's saga is its
// reservation id: its events carry it as their aggregate, the others continue the saga of the
// event they answer.

public enum MusicalTopics {
    public static let musical = MusicalContext.system["musical"].topic
    public static let reservation = MusicalContext.system["reservation"].topic
    public static let payment = MusicalContext.system["payment"].topic
    public static let notice = MusicalContext.system["notice"].topic
}

/// The status strings of SYSTEMS.md §3 (the API contract) and the moves each allows.
public enum ReservationStatus: String, Lifecycle {
    case seatsReserved = "SeatsReserved", paymentApproved = "PaymentApproved", cancelled = "Cancelled"
    public static let transitions: [Self: Set<Self>] = [.seatsReserved: [.paymentApproved, .cancelled], .paymentApproved: [.cancelled]]
}

public enum PaymentStatus: String, Lifecycle {
    case paymentApproved = "PaymentApproved", paymentCancelled = "PaymentCancelled"
    public static let transitions: [Self: Set<Self>] = [.paymentApproved: [.paymentCancelled]]
}

// MARK: musical.musical — key: musicalId

public struct MusicalRegistered: DomainEvent, Equatable {
    public let id: Int, musicalId: Int, name: String, reservableSeat: Int
    public var aggregateID: String { String(musicalId) }
    /// Not part of any reservation's saga.
    public var correlationID: String? { "musical-\(musicalId)" }
}

/// A reservation took seats (`change` < 0) or gave them back.
public struct ReservableSeatModified: DomainEvent, Equatable {
    public let musicalId: Int, holdId: String, change: Int, reservableSeat: Int
    public var aggregateID: String { String(musicalId) }
}

// MARK: musical.reservation — key: reservation id

/// A customer reserved `seats` seats; they are taken already.
public struct SeatsReserved: DomainEvent, Equatable {
    public let id: Int, musicalId: Int, seats: Int, price: Int, status: ReservationStatus
    public var aggregateID: String { String(id) }
}

/// The customer cancelled: the payment is cancelled, the seats given back.
public struct ReservationCancelled: DomainEvent, Equatable {
    public let id: Int, musicalId: Int, seats: Int, status: ReservationStatus
    public var aggregateID: String { String(id) }
}

// MARK: musical.payment — key: payment id

public struct PaymentApproved: DomainEvent, Equatable {
    public let id: Int, reservationId: Int, status: PaymentStatus
    public var aggregateID: String { String(id) }
}

public struct PaymentCancelled: DomainEvent, Equatable {
    public let id: Int, reservationId: Int, status: PaymentStatus
    public var aggregateID: String { String(id) }
}

// MARK: musical.notice — key: notice id

public struct NoticeSent: DomainEvent, Equatable {
    public let id: Int, reservationId: Int, paymentId: Int, sendText: String
    public var aggregateID: String { String(id) }
}
