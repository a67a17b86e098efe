/// An event a bounded context publishes: a past-tense fact, `Codable` with the seeds' camelCase
/// field names. Each system keeps its events in one contracts file, the published language.
public protocol DomainEvent: Codable, Sendable {
    /// The CloudEvents `type`, e.g. "BookingPlaced". Defaults to the Swift type's name.
    static var eventType: String { get }
    /// The aggregate the event is about: the Kafka key and CloudEvents `subject`.
    var aggregateID: String { get }
    /// The id that ties a saga together (booking id, cart id, order id).
    var correlationID: String { get }
}

extension DomainEvent {
    public static var eventType: String { String(describing: Self.self) }
    public var correlationID: String { aggregateID }
}

/// Thrown by a policy (or found while decoding) when an event breaks the published contract:
/// retrying cannot help, so it goes to the dead-letter topic and the partition moves on.
public struct ContractViolation: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
