/// Thrown instead of running a call the circuit breaker does not permit.
public struct CircuitBreakerOpen: Error, Sendable, CustomStringConvertible {
    public let name: String
    /// How long until the circuit lets probes through: what a `Retry-After` header should say.
    public let retryAfter: Duration

    /// Public so that callers can test how they answer an open circuit.
    public init(name: String, retryAfter: Duration) {
        self.name = name
        self.retryAfter = retryAfter
    }

    public var description: String { "circuit breaker \(name) is open; retry after \(retryAfter)" }
}
