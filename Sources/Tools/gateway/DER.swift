/// Just enough DER (ITU-T X.690) to hand libcrypto a JSON Web Key as a SubjectPublicKeyInfo
/// (RFC 5280 §4.1) and an ES256 signature as an ECDSA-Sig-Value (RFC 3279 §2.2.3).
enum DER {
    static func sequence(_ elements: [UInt8]...) -> [UInt8] { element(0x30, elements.flatMap { $0 }) }

    /// A non-negative INTEGER from its big-endian bytes.
    static func integer(unsigned bytes: some Collection<UInt8>) -> [UInt8] {
        var digits = Array(bytes.drop { $0 == 0 })
        if digits.first.map({ $0 & 0x80 != 0 }) ?? true { digits.insert(0, at: 0) }
        return element(0x02, digits)
    }

    static func bitString(_ bytes: [UInt8]) -> [UInt8] { element(0x03, [0] + bytes) }   // no unused bits
    static let null: [UInt8] = [0x05, 0x00]

    /// An OBJECT IDENTIFIER from its encoded arcs.
    static func objectIdentifier(_ encoded: [UInt8]) -> [UInt8] { element(0x06, encoded) }
    static let rsaEncryption = objectIdentifier([0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01])   // 1.2.840.113549.1.1.1
    static let ecPublicKey = objectIdentifier([0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01])                 // 1.2.840.10045.2.1
    static let prime256v1 = objectIdentifier([0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07])           // 1.2.840.10045.3.1.7

    private static func element(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        guard content.count >= 0x80 else { return [tag, UInt8(content.count)] + content }
        var length: [UInt8] = []
        var n = content.count
        while n > 0 { length.insert(UInt8(n & 0xFF), at: 0); n >>= 8 }
        return [tag, 0x80 | UInt8(length.count)] + length + content
    }
}
