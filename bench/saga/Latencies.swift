/// Latency samples in milliseconds and the figures BENCHMARKS.md reports of them.
struct Latencies {
    private(set) var samples: [Double] = []

    mutating func add(_ milliseconds: Double) { samples.append(milliseconds) }

    /// The value below which `fraction` of the samples fall (nearest rank).
    func percentile(_ fraction: Double) -> Double {
        guard !samples.isEmpty else { return .nan }
        let sorted = samples.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    /// `count=… p50=… p90=… p99=… max=…`, in milliseconds: one line a script can read.
    var summary: String {
        let f = { (v: Double) in String(format: "%.1f", v) }
        return "count=\(samples.count) p50=\(f(percentile(0.5))) p90=\(f(percentile(0.9))) p99=\(f(percentile(0.99))) max=\(f(percentile(1)))"
    }
}
