import Chassis

// The published language of the gifticon system, with the seed's event names and camelCase
// fields. Topics belong to publishers (`gifticon.<context>`); a cart's saga is its cart id:
// its events carry it as their aggregate, payment's continue the saga of the cart event they
// answer.

public enum GifticonTopics {
    public static let gifticon = GifticonContext.system["gifticon"].topic
    public static let cart = GifticonContext.system["cart"].topic
    public static let payment = GifticonContext.system["payment"].topic
}

/// The status strings of SYSTEMS.md §4 (the API contract) and the moves each allows.
public enum CartStatus: String, Lifecycle {
    case cartAdded = "CartAdded", paymentApproved = "PaymentApproved"
    public static let transitions: [Self: Set<Self>] = [.cartAdded: [.paymentApproved]]
}

public enum PaymentStatus: String, Lifecycle {
    case paymentApproved = "PaymentApproved", paymentCancelled = "PaymentCancelled"
    public static let transitions: [Self: Set<Self>] = [.paymentApproved: [.paymentCancelled]]
}

// MARK: gifticon.gifticon — key: gifticonId

public struct GifticonRegistered: DomainEvent, Equatable {
    public let id: Int, gifticonId: Int, name: String, availableQuantity: Int, price: Int
    public var aggregateID: String { String(gifticonId) }
    /// Not part of any cart's saga.
    public var correlationID: String? { "gifticon-\(gifticonId)" }
}

/// A cart took quantity (`change` < 0) or gave it back.
public struct QuantityModified: DomainEvent, Equatable {
    public let gifticonId: Int, holdId: String, change: Int, availableQuantity: Int
    public var aggregateID: String { String(gifticonId) }
}

// MARK: gifticon.cart — key: cart id

/// A customer put `quantity` gifticons in a cart; the quantity is taken already.
public struct CartAdded: DomainEvent, Equatable {
    public let id: Int, gifticonId: Int, quantity: Int, status: CartStatus
    public var aggregateID: String { String(id) }
}

/// The customer removed the cart: its payment is cancelled, its quantity given back.
public struct CartRemoved: DomainEvent, Equatable {
    public let id: Int, gifticonId: Int, quantity: Int
    public var aggregateID: String { String(id) }
}

// MARK: gifticon.payment — key: payment id

public struct PaymentApproved: DomainEvent, Equatable {
    public let id: Int, cartId: Int, status: PaymentStatus
    public var aggregateID: String { String(id) }
}

public struct PaymentCancelled: DomainEvent, Equatable {
    public let id: Int, cartId: Int, status: PaymentStatus
    public var aggregateID: String { String(id) }
}
