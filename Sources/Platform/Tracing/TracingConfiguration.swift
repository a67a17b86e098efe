import Foundation

/// Whether and where a process exports its spans, from OpenTelemetry's own variables:
/// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (the full URL) or `OTEL_EXPORTER_OTLP_ENDPOINT` (a base,
/// to which `/v1/traces` is added); unset, nothing is exported. `OTEL_BSP_SCHEDULE_DELAY`,
/// `OTEL_BSP_MAX_QUEUE_SIZE`, `OTEL_BSP_MAX_EXPORT_BATCH_SIZE` and `OTEL_EXPORTER_OTLP_TIMEOUT`
/// (milliseconds) tune it; `OTEL_SERVICE_NAME` renames the process; `OTEL_SDK_DISABLED=true`
/// turns it off.
public enum TracingConfiguration {
    /// The exporter's settings, or nil when spans are not exported.
    public static func settings(service: String, environment: [String: String]) throws(TracingConfigurationError)
        -> OTLPExporter.Settings? {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        func int(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws(TracingConfigurationError) -> Int {
            guard let raw = value(name) else { return fallback }
            guard raw.allSatisfy({ ("0"..."9").contains($0) }), let v = Int(raw), range.contains(v) else {
                throw TracingConfigurationError(description: "\(name)=\(raw) is not a whole number in \(range.lowerBound)...\(range.upperBound)")
            }
            return v
        }
        guard value("OTEL_SDK_DISABLED")?.lowercased() != "true" else { return nil }
        let endpoint: String
        if let full = value("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") {
            endpoint = try httpURL(full, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        } else if let base = value("OTEL_EXPORTER_OTLP_ENDPOINT") {
            endpoint = try httpURL(base, "OTEL_EXPORTER_OTLP_ENDPOINT").trimmingSuffix("/") + "/v1/traces"
        } else {
            return nil
        }
        var settings = OTLPExporter.Settings(endpoint: endpoint, resource: ["service.name": value("OTEL_SERVICE_NAME") ?? service])
        settings.delay = .milliseconds(try int("OTEL_BSP_SCHEDULE_DELAY", default: 5000, in: 1...600_000))
        settings.queueLimit = try int("OTEL_BSP_MAX_QUEUE_SIZE", default: 2048, in: 1...1_000_000)
        settings.batchLimit = try int("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", default: 512, in: 1...settings.queueLimit)
        settings.timeout = .milliseconds(try int("OTEL_EXPORTER_OTLP_TIMEOUT", default: 10_000, in: 1...600_000))
        return settings
    }

    /// The exporter speaks plain HTTP: to a collector beside the process (an OpenTelemetry
    /// Collector as a sidecar or node agent), which may forward over TLS.
    private static func httpURL(_ text: String, _ name: String) throws(TracingConfigurationError) -> String {
        guard let url = URL(string: text), url.scheme == "http", url.host != nil else {
            throw TracingConfigurationError(description: "\(name)=\(text) is not an http:// URL (spans go over plain HTTP to a collector beside the process)")
        }
        return text
    }
}

public struct TracingConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

private extension String {
    func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
