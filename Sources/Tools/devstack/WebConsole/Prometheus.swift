/// Samples of Prometheus' text format, as a service's /metrics writes them: enough to read the
/// numbers the console shows, not a general parser (no escapes in label values, no timestamps).
struct PrometheusSample: Equatable {
    let name: String
    let labels: [String: String]
    let value: Double

    static func parse(_ text: String) -> [PrometheusSample] {
        text.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                return nil
            }
            let series = line[..<space]
            guard let open = series.firstIndex(of: "{") else { return PrometheusSample(name: String(series), labels: [:], value: value) }
            var labels: [String: String] = [:]
            for pair in series[series.index(after: open)...].dropLast().split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
            }
            return PrometheusSample(name: String(series[..<open]), labels: labels, value: value)
        }
    }
}

extension [PrometheusSample] {
    /// The sum of `name`'s series whose labels include `matching`; nil when it has none.
    func sum(_ name: String, _ matching: [String: String] = [:]) -> Double? {
        let values = filter { sample in sample.name == name && matching.allSatisfy { sample.labels[$0.key] == $0.value } }.map(\.value)
        return values.isEmpty ? nil : values.reduce(0, +)
    }
}
