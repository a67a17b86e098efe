import Foundation

/// stdout carries only data (tables, CSV, JSON) so it can be piped; everything said to the
/// operator goes to stderr.
enum Console {
    static func note(_ text: String) {
        // Flush first so a note lands after the rows printed before it, even through a pipe.
        fflush(nil)
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static func warn(_ text: String) { note("warning: \(text)") }

    static func printJSON<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
