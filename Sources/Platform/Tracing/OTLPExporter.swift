import Foundation
import HTTP
import JSON
import Synchronization

/// Sends ended spans to an OpenTelemetry collector as OTLP over HTTP with JSON, in batches, from
/// a thread of its own. The queue is bounded: a span that finds it full, or whose batch the
/// collector refused or never answered, is dropped and counted. Nothing the traced work does
/// waits for the collector or fails because of it.
public final class OTLPExporter: Sendable {
    public struct Settings: Sendable {
        /// The full URL spans are posted to, `http://host:port/v1/traces`.
        public var endpoint: String
        /// `service.name` and the other resource attributes of every span.
        public var resource: [String: String]
        public var queueLimit = 2048
        public var batchLimit = 512
        /// How long ended spans wait to fill a batch.
        public var delay: Duration = .seconds(5)
        public var timeout: Duration = .seconds(10)

        public init(endpoint: String, resource: [String: String]) {
            self.endpoint = endpoint
            self.resource = resource
        }
    }

    public enum Outcome: String, Sendable, CaseIterable {
        case exported, dropped
    }

    public let settings: Settings
    /// Ended spans waiting, and how many batches are being posted now.
    private let queue = Mutex<(spans: [Span], posting: Int)>(([], 0))
    private let wake = DispatchSemaphore(value: 0)
    private let client = HTTPClient(keepAlive: 1)
    private let resource: OTLP.Resource
    /// Told how many spans went each way; and why a batch failed, at most once a minute.
    private let count: @Sendable (Outcome, Int) -> Void
    private let warn: @Sendable (String) -> Void
    private let lastWarning = Mutex<ContinuousClock.Instant?>(nil)

    public init(_ settings: Settings, count: @escaping @Sendable (Outcome, Int) -> Void = { _, _ in },
                warn: @escaping @Sendable (String) -> Void = { _ in }) {
        self.settings = settings
        self.count = count
        self.warn = warn
        resource = OTLP.Resource(attributes: settings.resource.sorted { $0.key < $1.key }.map { OTLP.KeyValue($0.key, .string($0.value)) })
        let thread = Thread { [self] in
            while true {
                _ = wake.wait(timeout: .now() + settings.delay.timeInterval)
                while exportBatch() == settings.batchLimit {}
            }
        }
        thread.name = "otlp-exporter"
        thread.start()
    }

    /// Queues `span`; drops it when the queue is full.
    func enqueue(_ span: Span) {
        let queued = queue.withLock { queue -> Int? in
            guard queue.spans.count < settings.queueLimit else { return nil }
            queue.spans.append(span)
            return queue.spans.count
        }
        switch queued {
        case nil: count(.dropped, 1)
        case settings.batchLimit?: wake.signal()
        default: break
        }
    }

    /// Exports what is queued now, on the caller's thread, and waits for the batch the exporter's
    /// thread may be posting: for at most `timeout` in all.
    func flush(timeout: Duration) {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if exportBatch(timeout: min(settings.timeout, deadline - .now)) > 0 { continue }
            guard queue.withLock({ $0.posting }) > 0 else { return }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    /// Posts up to a batch of queued spans; returns how many it took.
    @discardableResult
    private func exportBatch(timeout: Duration? = nil) -> Int {
        let spans = queue.withLock { queue -> [Span] in
            guard !queue.spans.isEmpty else { return [] }
            queue.posting += 1
            guard queue.spans.count > settings.batchLimit else { defer { queue.spans = [] }; return queue.spans }
            defer { queue.spans.removeFirst(settings.batchLimit) }
            return Array(queue.spans.prefix(settings.batchLimit))
        }
        guard !spans.isEmpty else { return 0 }
        defer { queue.withLock { $0.posting -= 1 } }
        do {
            let body = try JSONCodec.encode(OTLP.ExportRequest(resource: resource, spans: spans))
            let response = try client.send(method: "POST", url: settings.endpoint, headers: ["Content-Type": "application/json"],
                                           body: body, timeout: timeout ?? settings.timeout)
            guard (200..<300).contains(response.status) else { throw Refused(status: response.status) }
            count(.exported, spans.count)
        } catch {
            count(.dropped, spans.count)
            let due = lastWarning.withLock { last -> Bool in
                if let last, .now - last < .seconds(60) { return false }
                last = .now
                return true
            }
            if due { warn("cannot export \(spans.count) spans to \(settings.endpoint): \(error); they are dropped") }
        }
        return spans.count
    }

    private struct Refused: Error, CustomStringConvertible {
        let status: Int
        var description: String { "the collector answered \(status)" }
    }
}

/// OTLP/JSON's shapes (opentelemetry-proto, `ExportTraceServiceRequest`): ids in hex, 64-bit
/// numbers as strings, enumerations as numbers.
enum OTLP {
    struct ExportRequest: Encodable {
        let resourceSpans: [ResourceSpans]

        init(resource: Resource, spans: [Span]) {
            resourceSpans = [ResourceSpans(resource: resource, scopeSpans: [ScopeSpans(scope: Scope(name: "chassis"), spans: spans.map(SpanData.init))])]
        }
    }

    struct ResourceSpans: Encodable {
        let resource: Resource
        let scopeSpans: [ScopeSpans]
    }

    struct Resource: Encodable {
        let attributes: [KeyValue]
    }

    struct ScopeSpans: Encodable {
        let scope: Scope
        let spans: [SpanData]
    }

    struct Scope: Encodable {
        let name: String
    }

    struct KeyValue: Encodable {
        struct Value: Encodable {
            var stringValue: String?
            var intValue: String?
        }
        let key: String
        let value: Value

        init(_ key: String, _ value: Span.Attribute) {
            self.key = key
            switch value {
            case .string(let text): self.value = Value(stringValue: text)
            case .int(let number): self.value = Value(intValue: String(number))
            }
        }
    }

    /// Sent for a failed span only (code 2, error): others leave it unset, as OpenTelemetry
    /// asks of instrumentation (a 404 is no failure of the server's).
    struct Status: Encodable {
        let code: Int
        let message: String
    }

    struct SpanData: Encodable {
        let traceId: String
        let spanId: String
        let parentSpanId: String?
        let traceState: String?
        let name: String
        let kind: Int
        let startTimeUnixNano: String
        let endTimeUnixNano: String
        let attributes: [KeyValue]
        let status: Status?

        init(_ span: Span) {
            traceId = span.context.traceID
            spanId = span.context.spanID
            parentSpanId = span.parentSpanID
            traceState = span.context.state
            name = span.name
            kind = span.kind.rawValue
            startTimeUnixNano = String(span.startNanos)
            endTimeUnixNano = String(span.endNanos)
            attributes = span.attributes.sorted { $0.key < $1.key }.map { KeyValue($0.key, $0.value) }
            status = span.failure.map { Status(code: 2, message: $0) }
        }
    }
}
