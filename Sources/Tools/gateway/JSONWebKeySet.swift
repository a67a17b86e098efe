import CCrypto
import Foundation
import JSON
import Synchronization

/// The public keys of an identity provider, from a JWKS file (RFC 7517 §5, `JWKS_FILE`), for
/// RS256 and ES256 tokens (RFC 7518 §3.3, §3.4). A key for another use (`"use": "enc"`) or
/// algorithm is passed over; a key this gateway would use but cannot read stops it at start.
/// Providers rotate keys (publish the next one early, withdraw a leaked one): while tokens are
/// checked the file is read again every 5 s, so a mounted file that changed counts without a
/// restart. A file that no longer reads as a key set leaves the keys as they were, with a warning.
final class JSONWebKeySet: Sendable {
    let file: String
    private let state: Mutex<(keys: [VerificationKey], bytes: [UInt8], readAt: ContinuousClock.Instant)>
    static let rereadInterval: Duration = .seconds(5)

    init(file: String) throws(ConfigurationError) {
        self.file = file
        let bytes = try Self.read(file)
        state = Mutex((try Self.keys(in: bytes, file: file), bytes, .now))
    }

    /// The key a token with this header's `alg` and `kid` was signed with; without a `kid`, the
    /// set's only key for that algorithm.
    func key(algorithm: String, id: String?) -> VerificationKey? {
        rereadIfDue()
        let candidates = state.withLock { $0.keys }.filter { $0.algorithm == algorithm && (id == nil || $0.id == id) }
        return candidates.count == 1 ? candidates[0] : nil
    }

    /// One request in `rereadInterval` reads the file (outside the lock, so the others go on
    /// with the keys they have) and installs what changed.
    private func rereadIfDue() {
        let due = state.withLock { state in
            guard .now - state.readAt >= Self.rereadInterval else { return false }
            state.readAt = .now
            return true
        }
        guard due, let bytes = try? Self.read(file), bytes != state.withLock({ $0.bytes }) else { return }
        do {
            let keys = try Self.keys(in: bytes, file: file)
            state.withLock { $0.keys = keys; $0.bytes = bytes }
            JSONLog.info("signing keys read again", ["file": .string(file), "kids": .string(keys.compactMap(\.id).joined(separator: ","))])
        } catch {
            JSONLog.warning("signing keys not changed: \(error.description)", ["file": .string(file)])
        }
    }

    private static func read(_ file: String) throws(ConfigurationError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: file) else { throw ConfigurationError("JWKS_FILE=\(file) cannot be read") }
        return Array(data)
    }

    private static func keys(in bytes: [UInt8], file: String) throws(ConfigurationError) -> [VerificationKey] {
        guard case .object(let set)? = try? JSONNode(parsing: bytes), case .array(let entries)? = set["keys"] else {
            throw ConfigurationError("JWKS_FILE=\(file) is not a JSON Web Key Set ({\"keys\": [...]})")
        }
        var keys: [VerificationKey] = []
        for (index, entry) in entries.enumerated() {
            guard case .object(let members) = entry else { throw ConfigurationError("JWKS_FILE=\(file): key \(index) is not an object") }
            do {
                if let key = try VerificationKey(members) { keys.append(key) }
            } catch {
                throw ConfigurationError("JWKS_FILE=\(file): key \(index): \(error.description)")
            }
        }
        guard !keys.isEmpty else { throw ConfigurationError("JWKS_FILE=\(file) has no RS256 or ES256 signing key") }
        return keys
    }
}

/// One public key, in libcrypto, for the one algorithm it may verify. Immutable once made, so
/// request threads share it (OpenSSL 3 allows concurrent use of a key that is not changed).
final class VerificationKey: @unchecked Sendable {
    let id: String?
    let algorithm: String
    private let key: OpaquePointer

    /// nil for a key that is not for signatures, or for an algorithm other than RS256 or ES256.
    init?(_ jwk: JSONMembers) throws(ConfigurationError) {
        func text(_ name: String) -> String? { if case .string(let value)? = jwk[name] { value } else { nil } }
        func bytes(_ name: String) throws(ConfigurationError) -> [UInt8] {
            guard let value = text(name), let decoded = JSONWebToken.base64URLDecoded(value[...]), !decoded.isEmpty else {
                throw ConfigurationError("\(name) is not base64url")
            }
            return decoded
        }
        if let use = text("use"), use != "sig" { return nil }
        let kty = text("kty")
        let algorithm = kty == "RSA" ? "RS256" : kty == "EC" ? "ES256" : nil
        guard let algorithm, text("alg") == nil || text("alg") == algorithm else { return nil }
        let publicKeyInfo: [UInt8]
        if algorithm == "RS256" {
            let modulus = try bytes("n").drop { $0 == 0 }
            guard modulus.count >= 256 else { throw ConfigurationError("an RSA key must have 2048 bits or more (RFC 7518 §3.3)") }
            publicKeyInfo = DER.sequence(DER.sequence(DER.rsaEncryption, DER.null),
                                         DER.bitString(DER.sequence(DER.integer(unsigned: modulus), DER.integer(unsigned: try bytes("e")))))
        } else {
            guard text("crv") == "P-256" else { return nil }
            let x = try bytes("x"), y = try bytes("y")
            guard x.count == 32, y.count == 32 else { throw ConfigurationError("a P-256 key's x and y are 32 bytes each") }
            publicKeyInfo = DER.sequence(DER.sequence(DER.ecPublicKey, DER.prime256v1), DER.bitString([0x04] + x + y))
        }
        let parsed = publicKeyInfo.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor = buffer.baseAddress
            return d2i_PUBKEY(nil, &cursor, buffer.count)
        }
        // libcrypto refuses an EC point that is not on the curve.
        guard let parsed else { throw ConfigurationError("libcrypto does not take it as an \(kty!) public key") }
        key = parsed
        id = text("kid")
        self.algorithm = algorithm
    }

    deinit { EVP_PKEY_free(key) }

    /// Whether `signature` (as the token carries it) signs `data` with this key.
    func verifies(_ signature: [UInt8], of data: [UInt8]) -> Bool {
        var signature = signature
        if algorithm == "ES256" {
            // JWS carries r and s as 32 bytes each; libcrypto wants them in DER.
            guard signature.count == 64 else { return false }
            signature = DER.sequence(DER.integer(unsigned: signature[..<32]), DER.integer(unsigned: signature[32...]))
        }
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, key) == 1 else { return false }
        return EVP_DigestVerify(context, signature, signature.count, data, data.count) == 1
    }
}
