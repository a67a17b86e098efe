/// One metric's name, type and help, written once. Declared at start (`Metrics.declare`), it is
/// in /metrics at zero before it first happens, so rates and alerts see it from the start.
public struct Metric: Sendable {
    public enum Kind: String, Sendable { case counter, gauge, histogram }

    public let name: String
    public let kind: Kind
    public let help: String

    public static func counter(_ name: String, _ help: String) -> Metric { Metric(name: name, kind: .counter, help: help) }
    public static func gauge(_ name: String, _ help: String) -> Metric { Metric(name: name, kind: .gauge, help: help) }
    /// Seconds, in `Metrics.latencyBuckets`.
    public static func histogram(_ name: String, _ help: String) -> Metric { Metric(name: name, kind: .histogram, help: help) }
}

/// The chassis' own metrics.
extension Metric {
    package static let httpRequests = counter("http_requests_total", "HTTP requests answered")
    package static let httpRequestDuration = histogram("http_request_duration_seconds", "HTTP request latency")
    package static let outboxBacklog = gauge("outbox_backlog", "Outbox rows not yet delivered to Kafka")
    package static let outboxPublished = counter("outbox_published_total", "Events delivered to Kafka from the outbox")
    package static let outboxPublishFailures = counter("outbox_publish_failures_total", "Outbox publish attempts that failed")
    package static let consumerJoined = gauge("consumer_joined", "1 once this member has joined its consumer group")
    package static let consumerAssignedPartitions = gauge("consumer_assigned_partitions", "Partitions assigned to this group member")
    package static let consumerEvents = counter("consumer_events_total", "Events consumed, by outcome")
    package static let consumerRetries = counter("consumer_retries_total", "Event processing attempts retried after a database failure")
    package static let consumerLag = gauge("consumer_lag", "Records this member has yet to consume")
    package static let traceSpans = counter("trace_spans_total", "Spans ended with a collector configured, by outcome: exported or dropped")
    public static let circuitBreakerState = gauge("circuit_breaker_state", "Circuit breaker state: 0 closed, 1 open, 2 half-open")
    /// For the contexts' saga deadlines, labelled by `step`.
    public static let sagaTimeouts = counter("saga_timeouts_total", "Saga steps that waited past their deadline and were compensated")
}
