import Foundation
import HTTP

/// W3C Trace Context (https://www.w3.org/TR/trace-context/): which trace a piece of work belongs
/// to and which span it runs in, as the `traceparent` and `tracestate` fields carry it on HTTP
/// requests and Kafka records.
public struct TraceContext: Sendable, Equatable {
    /// 32 lowercase hex digits, not all zero.
    public let traceID: String
    /// 16 lowercase hex digits, not all zero: the span this context names, a child's parent.
    public let spanID: String
    /// The caller's sampling decision: spans of an unsampled trace are not exported.
    public let sampled: Bool
    /// A vendor's `tracestate`, passed on unchanged; nil when absent or unusable.
    public let state: String?

    /// The work running on this thread now (a request, a policy run), set by `Tracer.trace`: what
    /// log lines, events published and calls made belong to.
    @TaskLocal public static var current: TraceContext?

    /// The field names, on HTTP requests and Kafka records alike.
    public static let parentField = "traceparent"
    public static let stateField = "tracestate"

    /// Reads the fields; nil for a `traceparent` that is absent or malformed (the work then
    /// starts a trace of its own, as the specification asks). A later version's field is read
    /// by its first four parts. A `tracestate` is kept up to 512 bytes, whole entries from the
    /// first; one with control bytes other than tab, or empty, is dropped.
    public init?(traceparent: String?, tracestate: String? = nil) {
        guard let traceparent else { return nil }
        let bytes = Array(traceparent.utf8)
        guard bytes.count >= 55, bytes[2] == dash, bytes[35] == dash, bytes[52] == dash else { return nil }
        let version = bytes[0..<2], trace = bytes[3..<35], span = bytes[36..<52], flags = bytes[53..<55]
        guard [version, trace, span, flags].allSatisfy(Self.isLowercaseHex), version.elementsEqual("ff".utf8) == false else { return nil }
        // Version 00 is exactly 55 bytes; a later one may add parts after a dash.
        guard version.elementsEqual("00".utf8) ? bytes.count == 55 : (bytes.count == 55 || bytes[55] == dash) else { return nil }
        guard trace.contains(where: { $0 != zero }), span.contains(where: { $0 != zero }) else { return nil }
        traceID = String(decoding: trace, as: UTF8.self)
        spanID = String(decoding: span, as: UTF8.self)
        sampled = (Self.hexValue(flags.last!) & 1) == 1
        state = tracestate.flatMap(Self.usableState)
    }

    private static func usableState(_ text: String) -> String? {
        guard text.utf8.allSatisfy({ $0 == 0x09 || (0x20...0x7e).contains($0) }) else { return nil }
        var kept: [Substring] = []
        var length = 0
        for entry in text.split(separator: ",").map({ $0.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))[...] }) where !entry.isEmpty {
            guard length + entry.utf8.count + (kept.isEmpty ? 0 : 1) <= 512 else { break }
            length += entry.utf8.count + (kept.isEmpty ? 0 : 1)
            kept.append(entry)
        }
        return kept.isEmpty ? nil : kept.joined(separator: ",")
    }

    init(traceID: String, spanID: String, sampled: Bool, state: String?) {
        self.traceID = traceID; self.spanID = spanID; self.sampled = sampled; self.state = state
    }

    /// A new trace, sampled.
    public static func root() -> TraceContext {
        TraceContext(traceID: randomHex(UInt64.random(in: 1...UInt64.max), UInt64.random(in: .min ... .max)),
                     spanID: randomHex(UInt64.random(in: 1...UInt64.max)), sampled: true, state: nil)
    }

    /// A new span in this trace.
    public func child() -> TraceContext {
        TraceContext(traceID: traceID, spanID: Self.randomHex(UInt64.random(in: 1...UInt64.max)), sampled: sampled, state: state)
    }

    public var traceparent: String { "00-\(traceID)-\(spanID)-\(sampled ? "01" : "00")" }

    /// `traceparent`, and `tracestate` when there is one: the fields to send.
    public var fields: [(name: String, value: String)] {
        [(Self.parentField, traceparent)] + (state.map { [(Self.stateField, $0)] } ?? [])
    }

    private static func randomHex(_ words: UInt64...) -> String {
        words.map { word in
            let hex = String(word, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    private static func isLowercaseHex(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8 {
        byte <= UInt8(ascii: "9") ? byte - UInt8(ascii: "0") : byte - UInt8(ascii: "a") + 10
    }
}

private let dash = UInt8(ascii: "-")
private let zero = UInt8(ascii: "0")

extension TraceContext {
    /// The context a request carries; nil when it carries none that is valid. Several
    /// `tracestate` fields are one list.
    public init?(_ headers: HTTPHeaders) {
        let states = headers.values(Self.stateField)
        self.init(traceparent: headers[Self.parentField], tracestate: states.isEmpty ? nil : states.joined(separator: ","))
    }

    /// Sets (or replaces) the fields that carry this context on a request.
    public func write(to headers: inout HTTPHeaders) {
        headers[Self.parentField] = traceparent
        headers[Self.stateField] = state
    }
}
