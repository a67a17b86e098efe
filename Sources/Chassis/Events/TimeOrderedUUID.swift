import Glibc

/// A version-7 UUID (RFC 9562) in lowercase text, as event ids and stock holds are written: the
/// milliseconds since the epoch, then random bits. Ids made together sort together, so an inbox
/// or hold index takes each new one near the last instead of on a random page: a consumer's
/// transaction of a hundred events dirties a few index pages, not a hundred (random version-4
/// ids wrote ~5.7 KB of WAL per event consumed). About three times as fast as Foundation's
/// `UUID().uuidString.lowercased()` (1.0 µs against 3.2 µs, `swiftc -O`), which is per event published.
public enum TimeOrderedUUID {
    public static func next() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let millis = UInt64(now.tv_sec) &* 1000 &+ UInt64(now.tv_nsec / 1_000_000)
        var random = SystemRandomNumberGenerator()
        let high = (millis << 16) | 0x7000 | (random.next() & 0x0FFF)                      // version 7
        let low = (random.next() & ~0xC000_0000_0000_0000) | 0x8000_0000_0000_0000     // variant 10
        return String(unsafeUninitializedCapacity: 36) { out in
            var i = 0
            for nibble in 0..<32 {
                if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 { out[i] = UInt8(ascii: "-"); i += 1 }
                let digit = UInt8(((nibble < 16 ? high : low) >> UInt64(60 - 4 * (nibble % 16))) & 0xF)
                out[i] = digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10
                i += 1
            }
            return i
        }
    }
}
