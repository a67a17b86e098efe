import HTTP
import JSON
import Synchronization

/// A stand-in OpenTelemetry collector on 127.0.0.1: takes OTLP/HTTP JSON posts to `/v1/traces`
/// and keeps every span, read back with the OTLP field names, not the exporter's types.
public final class TraceCollector: Sendable {
    public struct CollectedSpan: Sendable, Equatable {
        public let service: String
        public let traceID: String
        public let spanID: String
        public let parentSpanID: String?
        public let name: String
        /// OTLP's numbers: 2 server, 3 client, 4 producer, 5 consumer.
        public let kind: Int
        /// 0 unset (no status sent), 2 error.
        public let statusCode: Int
        public let attributes: [String: String]
        /// Unix nanoseconds.
        public let start: UInt64
        public let end: UInt64
    }

    public let port: Int
    public var endpoint: String { "http://127.0.0.1:\(port)" }
    /// What makes a service or the gateway export its spans here, each batch within 100 ms.
    public var environment: [String: String] { ["OTEL_EXPORTER_OTLP_ENDPOINT": endpoint, "OTEL_BSP_SCHEDULE_DELAY": "100"] }
    private let server: HTTPServer
    private final class Received: Sendable {
        let spans = Mutex<[CollectedSpan]>([])
        /// Posts it could not read.
        let malformed = Atomic<Int>(0)
    }
    private let received = Received()

    public init() throws {
        let received = received
        server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0, maxBodyBytes: 8 << 20)) { request in
            guard request.method == "POST", request.path == "/v1/traces" else { return .init(status: 404) }
            guard let read = try? Self.read(request.body) else {
                received.malformed.add(1, ordering: .relaxed)
                return .init(status: 400)
            }
            received.spans.withLock { $0 += read }
            return .json([:] as [String: String])
        }
        port = try server.start()
    }

    public var spans: [CollectedSpan] { received.spans.withLock { $0 } }
    /// Posts it could not read as OTLP JSON: a test expects none.
    public var malformed: Int { received.malformed.load(ordering: .relaxed) }

    public func stop() { _ = server.shutdown(gracePeriod: .seconds(1)) }

    private struct Unreadable: Error {}

    private static func read(_ body: [UInt8]) throws -> [CollectedSpan] {
        let document = try JSONNode(parsing: body)
        guard let resources = document["resourceSpans"]?.arrayValue else { throw Unreadable() }
        return try resources.flatMap { resource -> [CollectedSpan] in
            let service = attributes(resource["resource"]?["attributes"])["service.name"] ?? ""
            return try (resource["scopeSpans"]?.arrayValue ?? []).flatMap { scope in
                try (scope["spans"]?.arrayValue ?? []).map { span in
                    guard let traceID = span["traceId"]?.stringValue, let spanID = span["spanId"]?.stringValue,
                          let name = span["name"]?.stringValue, case .number(let kind)? = span["kind"],
                          let start = span["startTimeUnixNano"]?.stringValue.flatMap({ UInt64($0) }),
                          let end = span["endTimeUnixNano"]?.stringValue.flatMap({ UInt64($0) }) else { throw Unreadable() }
                    var status = 0
                    if case .number(let code)? = span["status"]?["code"] { status = Int(code) ?? 0 }
                    return CollectedSpan(service: service, traceID: traceID, spanID: spanID, parentSpanID: span["parentSpanId"]?.stringValue,
                                         name: name, kind: Int(kind) ?? 0, statusCode: status, attributes: attributes(span["attributes"]),
                                         start: start, end: end)
                }
            }
        }
    }

    /// `[{key, value: {stringValue | intValue}}]` as text by key.
    private static func attributes(_ node: JSONNode?) -> [String: String] {
        var result: [String: String] = [:]
        for attribute in node?.arrayValue ?? [] {
            guard let key = attribute["key"]?.stringValue else { continue }
            result[key] = attribute["value"]?["stringValue"]?.stringValue ?? attribute["value"]?["intValue"]?.stringValue
        }
        return result
    }
}
