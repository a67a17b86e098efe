import Foundation
import Synchronization

/// One JSON object a line on stdout: time, level, service, message, correlation id and fields.
public final class Logger: Sendable {
    public enum Level: String, Sendable { case info, warning, error }

    public let service: String
    private let lock = Mutex(())

    public init(service: String) { self.service = service }

    public func info(_ message: String, correlationID: String? = nil, _ fields: [String: String] = [:]) {
        write(.info, message, correlationID, fields)
    }
    public func warning(_ message: String, correlationID: String? = nil, _ fields: [String: String] = [:]) {
        write(.warning, message, correlationID, fields)
    }
    public func error(_ message: String, correlationID: String? = nil, _ fields: [String: String] = [:]) {
        write(.error, message, correlationID, fields)
    }

    private func write(_ level: Level, _ message: String, _ correlationID: String?, _ fields: [String: String]) {
        var object = fields
        object["ts"] = EventEnvelope.now()
        object["level"] = level.rawValue
        object["service"] = service
        object["msg"] = message
        if let correlationID { object["correlation_id"] = correlationID }
        guard var line = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        line.append(0x0A)
        lock.withLock { _ in FileHandle.standardOutput.write(line) }
    }
}
