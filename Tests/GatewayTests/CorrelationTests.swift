import Foundation
import HTTP
import Testing
import TestSupport

@Suite("Gateway correlation ids", .serialized)
struct CorrelationTests {
    @Test("a request without X-Correlation-Id gets a new UUID, seen by the service and returned to the client")
    func generated() throws {
        let upstream = try RecordingUpstream { _ in .text("ok") }
        let gateway = try GatewayProcess(routes: "/shows=\(upstream.url)")

        let first = try gateway.send("GET", "/shows/1")
        let second = try gateway.send("GET", "/shows/2")

        let returned = try #require(first.headers["X-Correlation-Id"])
        #expect(UUID(uuidString: returned) != nil, "\(returned) is a UUID")
        #expect(upstream.requests.first?.headers["X-Correlation-Id"] == returned)
        #expect(second.headers["X-Correlation-Id"] != returned, "each request gets its own id")
    }

    @Test("a given X-Correlation-Id reaches the service and comes back unchanged")
    func passedOn() throws {
        let upstream = try RecordingUpstream { _ in HTTPResponse(status: 200, headers: ["X-Correlation-Id": "the-service-said-otherwise"]) }
        let gateway = try GatewayProcess(routes: "/shows=\(upstream.url)")

        let response = try gateway.send("GET", "/shows", headers: ["X-Correlation-Id": "booking-42"])

        #expect(upstream.requests.first?.headers.values("X-Correlation-Id") == ["booking-42"])
        #expect(response.headers.values("X-Correlation-Id") == ["booking-42"])
    }
}

@Suite("Gateway trace context", .serialized)
struct TraceContextPropagationTests {
    /// The parts of a version-00 `traceparent`: trace id, parent span id, flags.
    func parts(_ traceparent: String?) -> (trace: String, span: String, flags: String)? {
        let parts = (traceparent ?? "").split(separator: "-").map(String.init)
        guard parts.count == 4, parts[0] == "00", parts[1].count == 32, parts[2].count == 16, parts[3].count == 2 else { return nil }
        return (parts[1], parts[2], parts[3])
    }

    @Test("a client's valid traceparent is continued: the service sees the client's trace, under the gateway's span, with its tracestate")
    func continued() throws {
        let upstream = try RecordingUpstream { _ in .text("ok") }
        let gateway = try GatewayProcess(routes: "/shows=\(upstream.url)")
        let given = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        _ = try gateway.send("GET", "/shows/1", headers: ["traceparent": given, "tracestate": "congo=t61rcWkgMzE"])
        let headers = try #require(upstream.requests.first?.headers)
        let seen = try #require(parts(headers["traceparent"]), "\(headers["traceparent"] ?? "none")")
        #expect(seen.trace == "4bf92f3577b34da6a3ce929d0e0e4736" && seen.flags == "01")
        #expect(seen.span != "00f067aa0ba902b7", "the service's parent is the gateway's span, not the client's")
        #expect(headers.values("traceparent").count == 1 && headers.values("tracestate") == ["congo=t61rcWkgMzE"])
        #expect(gateway.requestLog.last?["trace_id"] as? String == "4bf92f3577b34da6a3ce929d0e0e4736", "the request's log line names the trace")
        #expect(gateway.requestLog.last?["span_id"] as? String == seen.span)
    }

    @Test("a malformed or missing traceparent starts a new trace, and a tracestate without a valid parent is dropped")
    func started() throws {
        let upstream = try RecordingUpstream { _ in .text("ok") }
        let gateway = try GatewayProcess(routes: "/shows=\(upstream.url)")
        _ = try gateway.send("GET", "/shows/1", headers: ["traceparent": "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                                                          "tracestate": "forged=1"])
        _ = try gateway.send("GET", "/shows/2")
        let seen = upstream.requests.map { parts($0.headers["traceparent"]) }
        #expect(seen.count == 2 && seen.allSatisfy { $0 != nil && $0!.flags == "01" }, "\(seen)")
        #expect(seen[0]?.trace != "00000000000000000000000000000000" && seen[0]?.trace != seen[1]?.trace, "each starts its own trace")
        #expect(upstream.requests.allSatisfy { $0.headers["tracestate"] == nil })
    }

    @Test("an exporter endpoint the gateway cannot use is refused at start with the variable named")
    func refusedEndpoint() throws {
        let run = try gatewayRun(environment: ["ROUTES": "/a=http://127.0.0.1:1", "OTEL_EXPORTER_OTLP_ENDPOINT": "https://collector:4318"])
        #expect(run.status == 2)
        #expect(run.stderr.hasPrefix("gateway: OTEL_EXPORTER_OTLP_ENDPOINT=https://collector:4318 is not an http:// URL"), "stderr: \(run.stderr)")
    }
}
