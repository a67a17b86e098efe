/// Raw values are the names metrics and logs report.
public enum CircuitBreakerState: String, Sendable {
    case closed
    case open
    case halfOpen = "half_open"
}
