@testable import Chassis
import Foundation
import Testing

@Suite("Time-ordered UUIDs")
struct TimeOrderedUUIDTests {
    @Test("each is a lowercase version-7 UUID that Foundation reads back, stamped with the time it was made, and none repeats")
    func wellFormed() throws {
        var seen = Set<String>()
        let before = UInt64(Date().timeIntervalSince1970 * 1000)
        for _ in 0..<10_000 {
            let text = TimeOrderedUUID.next()
            let uuid = try #require(UUID(uuidString: text), "\(text)")
            #expect(uuid.uuidString.lowercased() == text)
            let bytes = withUnsafeBytes(of: uuid.uuid) { Array($0) }
            #expect(bytes[6] >> 4 == 7, "version 7: \(text)")
            #expect(bytes[8] >> 6 == 0b10, "RFC 9562 variant: \(text)")
            let millis = bytes[0..<6].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            #expect(millis >= before && millis <= UInt64(Date().timeIntervalSince1970 * 1000), "\(text)")
            seen.insert(text)
        }
        #expect(seen.count == 10_000)
    }

    @Test("ids made a millisecond or more apart sort in the order they were made")
    func ordered() {
        var ids: [String] = []
        for _ in 0..<20 {
            ids.append(TimeOrderedUUID.next())
            Thread.sleep(forTimeInterval: 0.002)
        }
        #expect(ids.sorted() == ids)
    }
}
