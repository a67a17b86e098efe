import JSON
import Tracing

extension EventEnvelope {
    /// The headers every event of `type` from `source` carries, as a JSON Schema: those that are
    /// the same on every such event (the spec version, the type, the source, the content type) as
    /// constants, the rest (id, time, subject, correlation id) as non-empty strings. Learnt from
    /// two envelopes' `headers`, so the schema and what is published cannot disagree. An event
    /// published within a trace also carries its W3C trace context.
    public static func headerSchema(type: String, source: String) -> JSONNode {
        let one = EventEnvelope(id: "1", type: type, source: source, time: "1", subject: "1", correlationID: "1", data: [])
        let other = EventEnvelope(id: "2", type: type, source: source, time: "2", subject: "2", correlationID: "2", data: [])
        var properties = JSONMembers()
        for (header, second) in zip(one.headers, other.headers) {
            properties.append(header.name, header.value == second.value
                ? .object(JSONMembers(["type": .string("string"), "const": .string(header.text)]))
                : .object(JSONMembers(["type": .string("string"), "minLength": .number("1")])))
        }
        properties.append(TraceContext.parentField, .object(JSONMembers([
            "type": .string("string"), "minLength": .number("55"),
            "description": .string("W3C Trace Context: the trace and the span that published the event"),
        ])))
        properties.append(TraceContext.stateField, .object(JSONMembers([
            "type": .string("string"), "description": .string("W3C Trace Context: vendors' state, passed on unchanged"),
        ])))
        return .object(JSONMembers([
            "type": .string("object"), "properties": .object(properties),
            "required": .array(one.headers.map { .string($0.name) }),
        ]))
    }
}
