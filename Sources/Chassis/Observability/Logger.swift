import Foundation
import HTTP
import JSON
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
        var object = fields.mapValues(JSONLine.Value.string)
        object["ts"] = .string(EventEnvelope.now())
        object["level"] = .string(level.rawValue)
        object["service"] = .string(service)
        object["msg"] = .string(message)
        if let correlationID { object["correlation_id"] = .string(correlationID) }
        let line = Data(JSONLine.render(object))
        lock.withLock { _ in FileHandle.standardOutput.write(line) }
    }
}
