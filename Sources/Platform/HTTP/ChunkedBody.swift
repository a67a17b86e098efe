/// Reads a chunked body (RFC 9112 §7.1). Any deviation is an error rather than a guess, because
/// a lenient decoder and a strict proxy would disagree about where the message ends.
enum ChunkedBody {
    struct Limits {
        var maxBodyBytes: Int
        /// Trailers are validated, then dropped: nothing downstream expects fields after the body.
        var maxTrailerBytes: Int
        var maxTrailerCount: Int
    }

    /// Chunk extensions are allowed but ignored; this bounds the line that carries them.
    private static let maxSizeLineBytes = 4096

    static func read(from reader: inout SocketReader, limits: Limits, until deadline: Deadline) throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            guard let line = try reader.readLine(maxBytes: maxSizeLineBytes, until: deadline) else {
                throw Problem.badRequest("chunk size line exceeds \(maxSizeLineBytes) bytes")
            }
            let size = try chunkSize(line)
            if size == 0 { break }
            guard size <= limits.maxBodyBytes - body.count else {
                throw Problem(status: 413, detail: "the chunked body exceeds the limit of \(limits.maxBodyBytes) bytes")
            }
            body += try reader.readExactly(size, until: deadline)
            guard try reader.readExactly(2, until: deadline) == HTTPSyntax.crlf else {
                throw Problem.badRequest("chunk data is not followed by CRLF")
            }
        }
        try skipTrailers(from: &reader, limits: limits, until: deadline)
        return body
    }

    /// `1a`, `1a;name=value`: hexadecimal digits, then optional extensions.
    private static func chunkSize(_ line: [UInt8]) throws(Problem) -> Int {
        var size = 0
        var index = 0
        while index < line.count, let digit = PercentDecoding.hexValue(line[index]) {
            guard size <= (Int.max - Int(digit)) / 16 else { throw .badRequest("chunk size overflows") }
            size = size * 16 + Int(digit)
            index += 1
        }
        guard index > 0 else { throw .badRequest("invalid chunk size") }
        let rest = line[index...].drop(while: HTTPSyntax.isWhitespace)
        guard rest.isEmpty || (rest.first == UInt8(ascii: ";") && rest.allSatisfy(HTTPSyntax.isFieldValueByte)) else {
            throw .badRequest("invalid chunk size")
        }
        return size
    }

    private static func skipTrailers(from reader: inout SocketReader, limits: Limits, until deadline: Deadline) throws {
        var lines: [ArraySlice<UInt8>] = []
        var budget = limits.maxTrailerBytes
        while true {
            guard budget >= 2, let line = try reader.readLine(maxBytes: budget - 2, until: deadline) else {
                throw Problem(status: 431, detail: "the trailer section exceeds \(limits.maxTrailerBytes) bytes")
            }
            if line.isEmpty { break }
            budget -= line.count + 2
            lines.append(line[...])
        }
        _ = try FieldLines.parse(lines, maxCount: limits.maxTrailerCount)
    }
}
