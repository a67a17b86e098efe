import Foundation
import Synchronization

/// One JSON object a line on stdout, in the chassis' shape (`ts`, `level`, `service`, `msg`), so
/// the gateway's lines read and filter like the services'. Numbers stay numbers (`status`,
/// `duration_ms`).
enum JSONLog {
    private static let lock = Mutex(())

    static func info(_ message: String, _ fields: [String: any Sendable] = [:]) { write("info", message, fields) }
    static func warning(_ message: String, _ fields: [String: any Sendable] = [:]) { write("warning", message, fields) }

    private static func write(_ level: String, _ message: String, _ fields: [String: any Sendable]) {
        var object: [String: Any] = fields
        object["ts"] = Date.now.ISO8601Format(.init(includingFractionalSeconds: true))
        object["level"] = level
        object["service"] = "gateway"
        object["msg"] = message
        guard var line = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        line.append(0x0A)
        lock.withLock { _ in FileHandle.standardOutput.write(line) }
    }
}
