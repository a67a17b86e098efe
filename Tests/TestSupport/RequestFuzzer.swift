/// Fuzz inputs: valid requests mutated the ways parsers get wrong (flipped bytes, truncation,
/// duplicated or deleted ranges, hostile header lines), and now and then plain noise.
/// The same seed always yields the same inputs.
public struct RequestFuzzer {
    private var random: SeededGenerator

    public init(seed: UInt64) {
        random = SeededGenerator(seed: seed)
    }

    private static let validRequests = [
        "GET / HTTP/1.1\r\nHost: test\r\n\r\n",
        "GET /items/42?x=1&y=%20z HTTP/1.1\r\nHost: test\r\nAccept: */*\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n\r\nhello",
        "POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3;e=1\r\nabc\r\n0\r\nX-T: 1\r\n\r\n",
        "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /items/1 HTTP/1.0\r\n\r\n",
        "HEAD / HTTP/1.1\r\nHost: test\r\n\r\nGET /no-content HTTP/1.1\r\nHost: test\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
        "DELETE /items/7 HTTP/1.1\r\nHost: test\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: test\r\n\r\n",
    ].map { Array($0.utf8) }

    private static let hostileLines = [
        "Content-Length: 5", "Content-Length: -1", "Content-Length: +3", "Content-Length: 1, 2",
        "Content-Length: 99999999999999999999", "Content-Length: 70000", "Transfer-Encoding: chunked",
        "Transfer-Encoding: gzip", "Transfer-Encoding: chunked, identity", "Transfer-Encoding:\tchunked",
        " folded", "X-A: a\rb", "X-A: a\u{0}b", "Host: other", "Host : test", "Expect: 100-continue",
        "Connection: close", "Connection: keep-alive", "Bad Header: x", ":", "X-Long: " + String(repeating: "x", count: 9000),
    ].map { Array($0.utf8) }

    /// Bytes that matter to the parser, so flips hit delimiters more often than chance would.
    private static let interestingBytes: [UInt8] = Array("\r\n\0 \t:;,/%?0123456789abcdefABCDEF-+".utf8) + [0x7F, 0x80, 0xFF]

    public mutating func next() -> [UInt8] {
        if Int.random(in: 0..<10, using: &random) == 0 {
            return (0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        }
        var bytes = Self.validRequests.randomElement(using: &random)!
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            mutate(&bytes)
        }
        return bytes
    }

    private mutating func mutate(_ bytes: inout [UInt8]) {
        guard !bytes.isEmpty else { return }
        let position = Int.random(in: 0..<bytes.count, using: &random)
        switch Int.random(in: 0..<6, using: &random) {
        case 0:
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                bytes[index] = Bool.random(using: &random) ? Self.interestingBytes.randomElement(using: &random)!
                                                           : UInt8.random(in: 0...255, using: &random)
            }
        case 1:
            bytes.removeSubrange(position...)
        case 2:
            let end = Int.random(in: position...bytes.count, using: &random)
            bytes.insert(contentsOf: bytes[position..<end], at: Int.random(in: 0...bytes.count, using: &random))
        case 3:
            let line = Self.hostileLines.randomElement(using: &random)! + [13, 10]
            let afterFirstLine = bytes.firstRange(of: [13, 10])?.upperBound ?? bytes.count
            bytes.insert(contentsOf: line, at: afterFirstLine)
        case 4:
            bytes.removeSubrange(position..<Int.random(in: position...min(bytes.count, position + 20), using: &random))
        default:
            let noise = (0..<Int.random(in: 1...16, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            bytes.insert(contentsOf: noise, at: position)
        }
    }
}
