/// An event a bounded context publishes: a past-tense fact, `Codable` with the seeds' camelCase
/// field names. Each system keeps its events in one contracts file, the published language.
public protocol DomainEvent: Codable, Sendable {
    /// The CloudEvents `type`, e.g. "BookingPlaced". Defaults to the Swift type's name.
    static var eventType: String { get }
    /// The aggregate the event is about: the Kafka key and CloudEvents `subject`.
    var aggregateID: String { get }
    /// The saga this event belongs to (booking id, cart id, order id), when its own fields say
    /// so (a ticket's saga is its booking's). nil, the default, lets the chassis choose: a policy's
    /// events continue the saga of the event it consumed, a command's start one on their
    /// aggregate id.
    var correlationID: String? { get }
}

extension DomainEvent {
    public static var eventType: String { String(describing: Self.self) }
    public var correlationID: String? { nil }
}

/// Thrown by a policy (or found while decoding) when an event breaks the published contract:
/// retrying cannot help, so it goes to the dead-letter topic and the partition moves on.
public struct ContractViolation: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
