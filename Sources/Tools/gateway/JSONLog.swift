import Foundation
import HTTP
import JSON

/// One JSON object a line on stdout, in the chassis' shape (`ts`, `level`, `service`, `msg`), so
/// the gateway's lines read and filter like the services'. Numbers stay numbers (`status`,
/// `duration_ms`).
enum JSONLog {
    static func info(_ message: String, _ fields: [String: JSONLine.Value] = [:]) { write("info", message, fields) }
    static func warning(_ message: String, _ fields: [String: JSONLine.Value] = [:]) { write("warning", message, fields) }

    private static func write(_ level: String, _ message: String, _ fields: [String: JSONLine.Value]) {
        var fields = fields
        fields["ts"] = .string(Date.now.ISO8601Format(.init(includingFractionalSeconds: true)))
        fields["level"] = .string(level)
        fields["service"] = .string("gateway")
        fields["msg"] = .string(message)
        JSONLine.print(fields)
    }
}
