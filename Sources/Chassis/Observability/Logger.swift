import Foundation
import HTTP
import JSON
import Tracing

/// One JSON object a line on stdout: time, level, service, message, correlation id, the trace and
/// span of the work it is about (`TraceContext.current`) and fields.
/// Lines below `minimum` are not written (`LOG_LEVEL`); `debug` is what happens per event.
public final class Logger: Sendable {
    public enum Level: String, Sendable, CaseIterable, Comparable {
        case debug, info, warning, error

        public static func < (a: Level, b: Level) -> Bool { a.rank < b.rank }
        private var rank: Int { Level.allCases.firstIndex(of: self)! }
    }

    public let service: String
    public let minimum: Level

    public init(service: String, minimum: Level = .info) {
        self.service = service
        self.minimum = minimum
    }

    public func debug(_ message: String, correlationID: String? = nil, _ fields: @autoclosure () -> [String: String] = [:]) {
        guard minimum == .debug else { return }
        write(.debug, message, correlationID, fields())
    }
    public func info(_ message: String, correlationID: String? = nil, _ fields: [String: String] = [:]) {
        guard minimum <= .info else { return }
        write(.info, message, correlationID, fields)
    }
    public func warning(_ message: String, correlationID: String? = nil, _ fields: [String: String] = [:]) {
        guard minimum <= .warning else { return }
        write(.warning, message, correlationID, fields)
    }
    public func error(_ message: String, correlationID: String? = nil, _ fields: [String: String] = [:]) {
        write(.error, message, correlationID, fields)
    }

    private func write(_ level: Level, _ message: String, _ correlationID: String?, _ fields: [String: String]) {
        var object = fields.mapValues(JSONLine.Value.string)
        object["ts"] = .string(EventEnvelope.now())
        object["level"] = .string(level.rawValue)
        object["service"] = .string(service)
        object["msg"] = .string(message)
        if let correlationID { object["correlation_id"] = .string(correlationID) }
        if let trace = TraceContext.current {
            object["trace_id"] = .string(trace.traceID)
            object["span_id"] = .string(trace.spanID)
        }
        JSONLine.print(object)
    }
}
