import Foundation
import HTTP
import Synchronization
import Testing
import TestSupport
import Tracing

/// What an exporter counted, by outcome.
final class Counts: Sendable {
    let exported = Atomic<Int>(0)
    let dropped = Atomic<Int>(0)
    func count(_ outcome: OTLPExporter.Outcome, _ spans: Int) {
        if outcome == .exported { exported.add(spans, ordering: .relaxed) } else { dropped.add(spans, ordering: .relaxed) }
    }
}

@Suite("OTLP exporter: spans reach a collector in batches, and a collector never slows the work", .serialized)
struct OTLPExporterTests {
    func settings(_ endpoint: String) -> OTLPExporter.Settings {
        var settings = OTLPExporter.Settings(endpoint: endpoint + "/v1/traces", resource: ["service.name": "test-service"])
        settings.delay = .milliseconds(50)
        settings.timeout = .seconds(2)
        return settings
    }

    @Test("ended spans arrive with their ids, parent, kind, status and attributes; unsampled ones are not sent")
    func exports() throws {
        let collector = try TraceCollector()
        defer { collector.stop() }
        let counts = Counts()
        let tracer = Tracer(exporter: OTLPExporter(settings(collector.endpoint), count: counts.count))
        let parent = try #require(TraceContext(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
        let ok = tracer.trace("GET /things/{id}", kind: .server, parent: parent, attributes: ["http.route": .string("/things/{id}")]) { span in
            span.attributes["http.response.status_code"] = .int(200)
            return span.context
        }
        struct Broken: Error {}
        #expect(throws: Broken.self) { try tracer.trace("POST things", kind: .client) { _ in throw Broken() } }
        tracer.trace("unsampled", kind: .server, parent: TraceContext(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")) { _ in }

        try eventually("both sampled spans arrive") { collector.spans.count >= 2 }
        Thread.sleep(forTimeInterval: 0.2)
        let spans = collector.spans
        #expect(spans.count == 2 && collector.malformed == 0)
        let server = try #require(spans.first { $0.name == "GET /things/{id}" })
        #expect(server.service == "test-service" && server.traceID == parent.traceID && server.spanID == ok.spanID)
        #expect(server.parentSpanID == parent.spanID && server.kind == 2 && server.statusCode == 0, "a span that did its work leaves its status unset")
        #expect(server.start > 1_700_000_000_000_000_000 && server.end >= server.start, "Unix nanoseconds: \(server.start) to \(server.end)")
        #expect(server.attributes == ["http.route": "/things/{id}", "http.response.status_code": "200"])
        let failed = try #require(spans.first { $0.name == "POST things" })
        #expect(failed.kind == 3 && failed.statusCode == 2 && failed.parentSpanID == nil, "a root span, failed")
        #expect(counts.exported.load(ordering: .relaxed) == 2)
    }

    @Test("with a collector that never answers, tracing costs the work nothing and a full queue drops spans, counted")
    func boundedWhenUnanswered() throws {
        let silent = try LoopbackListener()   // takes connections, never answers
        let counts = Counts()
        var settings = settings("http://127.0.0.1:\(silent.port)")
        settings.queueLimit = 100
        settings.batchLimit = 10
        settings.delay = .seconds(60)
        let tracer = Tracer(exporter: OTLPExporter(settings, count: counts.count))
        let started = ContinuousClock.now
        for _ in 0..<1000 { tracer.trace("work", kind: .internal) { _ in } }
        let took = ContinuousClock.now - started
        #expect(took < .seconds(1), "1000 spans took \(took)")
        #expect(counts.dropped.load(ordering: .relaxed) >= 880, "past a queue's worth and the batch being posted, spans are dropped at once")
        try eventually("the batch posted to the silent collector times out, dropped and counted", timeout: .seconds(10)) {
            counts.dropped.load(ordering: .relaxed) >= 900
        }
        #expect(counts.exported.load(ordering: .relaxed) == 0)
    }

    @Test("the configuration reads OpenTelemetry's variables and refuses what it cannot use")
    func configuration() throws {
        #expect(try TracingConfiguration.settings(service: "s", environment: [:]) == nil, "off by default")
        let base = try #require(try TracingConfiguration.settings(service: "ticketing-booking", environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318/",
                                                                                "OTEL_BSP_SCHEDULE_DELAY": "250"]))
        #expect(base.endpoint == "http://127.0.0.1:4318/v1/traces" && base.delay == .milliseconds(250))
        #expect(base.resource == ["service.name": "ticketing-booking"])
        let full = try TracingConfiguration.settings(service: "s", environment: [
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://ignored:1", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/custom"])
        #expect(full?.endpoint == "http://collector:4318/custom")
        #expect(try TracingConfiguration.settings(service: "s", environment: [
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_SDK_DISABLED": "true"]) == nil)
        for bad in [["OTEL_EXPORTER_OTLP_ENDPOINT": "https://collector:4318"], ["OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"],
                    ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_BSP_MAX_QUEUE_SIZE": "0"],
                    ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_BSP_MAX_QUEUE_SIZE": "10", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "11"]] {
            #expect(throws: TracingConfigurationError.self, "\(bad)") { try TracingConfiguration.settings(service: "s", environment: bad) }
        }
    }
}
