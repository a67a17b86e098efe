import Kafka
import Tracing

/// The trace context an event carries: `traceparent` and `tracestate` headers beside the
/// CloudEvents ones, as OpenTelemetry's Kafka instrumentations put them.
extension TraceContext {
    init?(_ headers: [KafkaHeader]) {
        self.init(traceparent: headers.text(Self.parentField), tracestate: headers.text(Self.stateField))
    }

    var kafkaHeaders: [KafkaHeader] { fields.map { KafkaHeader($0.name, $0.value) } }

    /// `headers` with this context's fields in place of any they had.
    func replacing(in headers: [KafkaHeader]) -> [KafkaHeader] {
        headers.filter { $0.name != Self.parentField && $0.name != Self.stateField } + kafkaHeaders
    }
}
