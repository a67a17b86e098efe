@testable import Chassis
import Foundation
import Testing

@Suite("Random UUIDs")
struct RandomUUIDTests {
    @Test("each is a lowercase version-4 UUID that Foundation reads back, and none repeats")
    func wellFormed() throws {
        var seen = Set<String>()
        for _ in 0..<10_000 {
            let text = RandomUUID.next()
            let uuid = try #require(UUID(uuidString: text), "\(text)")
            #expect(uuid.uuidString.lowercased() == text)
            let bytes = withUnsafeBytes(of: uuid.uuid) { Array($0) }
            #expect(bytes[6] >> 4 == 4, "version 4: \(text)")
            #expect(bytes[8] >> 6 == 0b10, "RFC 4122 variant: \(text)")
            seen.insert(text)
        }
        #expect(seen.count == 10_000)
    }
}
