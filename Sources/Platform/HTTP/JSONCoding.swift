import Foundation

enum JSONCoding {
    /// Keys are sorted because this toolchain's Foundation on Linux emits them in hash order, which
    /// changes from run to run; sorted output is at least the same every time.
    static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
