@testable import Chassis
import Testing

@Suite("Prometheus metrics")
struct MetricsTests {
    @Test("counters, gauges and histograms render in the text format")
    func rendering() {
        let m = Metrics()
        m.increment(.counter("requests_total", "Requests"), ["status": "200", "method": "GET"])
        m.increment(.counter("requests_total", "Requests"), ["status": "200", "method": "GET"])
        m.set(.gauge("backlog", ""), to: 7)
        m.observe(.histogram("latency_seconds", ""), seconds: 0.02)
        m.declare(.counter("failures_total", "Failures"), ["topic": "t"])
        let text = m.prometheusText()
        #expect(text.contains("# HELP requests_total Requests\n# TYPE requests_total counter\n"))
        #expect(text.contains("requests_total{method=\"GET\",status=\"200\"} 2\n"))
        #expect(text.contains("# TYPE backlog gauge\nbacklog 7\n"))
        #expect(text.contains("latency_seconds_bucket{le=\"0.01\"} 0\n"))
        #expect(text.contains("latency_seconds_bucket{le=\"0.025\"} 1\n"))
        #expect(text.contains("latency_seconds_bucket{le=\"+Inf\"} 1\nlatency_seconds_sum 0.02\nlatency_seconds_count 1\n"))
        #expect(text.contains("# HELP failures_total Failures\n# TYPE failures_total counter\nfailures_total{topic=\"t\"} 0\n"),
                "a declared metric is there at zero before it happens")
    }

    @Test("label values are escaped")
    func escaping() {
        let m = Metrics()
        m.set(.gauge("g", ""), ["path": "a\"b\\c\nd"], to: 1)
        #expect(m.prometheusText().contains(#"g{path="a\"b\\c\nd"} 1"#))
    }
}
