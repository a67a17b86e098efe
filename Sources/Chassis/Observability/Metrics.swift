import Foundation

/// Counters, gauges and histograms, rendered in Prometheus' text format at /metrics.
/// `@unchecked Sendable`: `state` is only touched with `lock` held. A pthread mutex rather than
/// `Synchronization.Mutex`, whose spinning and priority-inheritance futex cost far more when a
/// dozen request threads on two cores update the same counters.
public final class Metrics: @unchecked Sendable {
    private struct Key: Hashable, Comparable {
        let name: String
        let labels: String
        static func < (a: Key, b: Key) -> Bool { (a.name, a.labels) < (b.name, b.labels) }
    }
    private struct Histogram {
        var counts: [Int]
        var sum = 0.0
        var count = 0

        mutating func record(_ seconds: Double) {
            for (i, bound) in Metrics.latencyBuckets.enumerated() where seconds <= bound { counts[i] += 1 }
            sum += seconds
            count += 1
        }
    }
    private struct State {
        var help: [String: (type: String, text: String)] = [:]
        var values: [Key: Double] = [:]
        var histograms: [Key: Histogram] = [:]
    }

    /// Bucket bounds in seconds for latency histograms.
    public static let latencyBuckets: [Double] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private let lock = NSLock()
    private var state = State()

    public init() {}

    /// Puts the metric in /metrics at zero unless it is there already.
    public func declare(_ metric: Metric, _ labels: [String: String] = [:]) {
        precondition(metric.kind != .histogram, "a histogram appears with its first observation")
        update(metric, labels) { _ in }
    }

    public func increment(_ metric: Metric, _ labels: [String: String] = [:], by amount: Double = 1) {
        update(metric, labels) { $0 += amount }
    }

    public func set(_ metric: Metric, _ labels: [String: String] = [:], to value: Double) {
        update(metric, labels) { $0 = value }
    }

    /// Moves a gauge up or down by `delta`.
    public func adjust(_ metric: Metric, _ labels: [String: String] = [:], by delta: Double) {
        update(metric, labels) { $0 += delta }
    }

    /// Counts one observation into a histogram's `latencyBuckets`.
    public func observe(_ metric: Metric, _ labels: [String: String] = [:], seconds: Double) {
        let key = Key(name: metric.name, labels: Metrics.render(labels))
        locked { s in
            if s.help[metric.name] == nil { s.help[metric.name] = (metric.kind.rawValue, metric.help) }
            s.histograms[key, default: Histogram(counts: Array(repeating: 0, count: Metrics.latencyBuckets.count))]
                .record(seconds)
        }
    }

    /// The value of a counter or gauge (0 when never set), for tests and readiness checks.
    public func value(_ metric: Metric, _ labels: [String: String] = [:]) -> Double {
        locked { $0.values[Key(name: metric.name, labels: Metrics.render(labels))] ?? 0 }
    }

    public func prometheusText() -> String {
        locked { s in
            var out = ""
            for name in s.help.keys.sorted() {
                let (type, help) = s.help[name]!
                if !help.isEmpty { out += "# HELP \(name) \(help)\n" }
                out += "# TYPE \(name) \(type)\n"
                for key in s.values.keys.filter({ $0.name == name }).sorted() {
                    out += "\(name)\(key.labels.isEmpty ? "" : "{\(key.labels)}") \(format(s.values[key]!))\n"
                }
                for key in s.histograms.keys.filter({ $0.name == name }).sorted() {
                    let h = s.histograms[key]!
                    let prefix = key.labels.isEmpty ? "" : key.labels + ","
                    for (i, bound) in Metrics.latencyBuckets.enumerated() {
                        out += "\(name)_bucket{\(prefix)le=\"\(format(bound))\"} \(h.counts[i])\n"
                    }
                    out += "\(name)_bucket{\(prefix)le=\"+Inf\"} \(h.count)\n"
                    let labels = key.labels.isEmpty ? "" : "{\(key.labels)}"
                    out += "\(name)_sum\(labels) \(format(h.sum))\n\(name)_count\(labels) \(h.count)\n"
                }
            }
            return out
        }
    }

    private func update(_ metric: Metric, _ labels: [String: String], _ change: (inout Double) -> Void) {
        let key = Key(name: metric.name, labels: Metrics.render(labels))
        locked { s in
            if s.help[metric.name] == nil { s.help[metric.name] = (metric.kind.rawValue, metric.help) }
            change(&s.values[key, default: 0])
        }
    }

    private func locked<T>(_ body: (inout State) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&state)
    }

    /// `a="1",b="2"`, keys sorted, values escaped as Prometheus' text format wants. Runs on every
    /// update, so the common case (no character to escape) copies the value as it is.
    private static func render(_ labels: [String: String]) -> String {
        var out = ""
        for (key, value) in labels.sorted(by: { $0.key < $1.key }) {
            if !out.isEmpty { out += "," }
            out += key
            out += "=\""
            if value.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") }) {
                out += value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                    .replacingOccurrences(of: "\n", with: "\\n")
            } else {
                out += value
            }
            out += "\""
        }
        return out
    }

    private func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
    }
}
