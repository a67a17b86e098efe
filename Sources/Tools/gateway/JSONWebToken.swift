import CCrypto
import Foundation
import JSON

/// JSON Web Tokens (RFC 7519, RFC 7515 §3): HS256 with a shared secret (RFC 7518 §3.2), minted
/// for development by `gateway token`, and RS256 or ES256 with an identity provider's published
/// keys (§3.3, §3.4); verified at the gateway.
enum JSONWebToken {
    /// What a verified token says about its bearer.
    struct Claims: Equatable {
        let subject: String?
        let scopes: Set<String>
    }

    /// Why a token is refused; the text is what the client's `WWW-Authenticate` says.
    struct Refusal: Error, Equatable, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// What the gateway checks signatures with; at least one of them.
    struct Keys: Sendable {
        /// HS256's shared secret.
        var secret: [UInt8]?
        /// RS256 and ES256 keys.
        var published: JSONWebKeySet?

        var algorithms: [String] { (secret == nil ? [] : ["HS256"]) + (published == nil ? [] : ["RS256", "ES256"]) }
    }

    /// What a token must satisfy besides its signature.
    struct Expectations: Sendable {
        var issuer: String?
        var audience: String?
        /// Clock skew allowed on `exp` and `nbf`, in seconds.
        var leeway: Double = 60
    }

    static func verify(_ token: String, keys: Keys, expecting expected: Expectations, now: Date = Date()) throws(Refusal) -> Claims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = base64URLDecoded(parts[0]), let payloadBytes = base64URLDecoded(parts[1]),
              let signature = base64URLDecoded(parts[2]) else {
            throw Refusal("the token is not three base64url parts")
        }
        guard case .object(let header)? = try? JSONNode(parsing: headerBytes) else { throw Refusal("the token's header is not a JSON object") }
        guard header["crit"] == nil else { throw Refusal("the token has critical extensions") }
        let signingInput = Array("\(parts[0]).\(parts[1])".utf8)
        // The algorithms are ours to choose, never the token's: "none", or an RSA public key used
        // as an HMAC secret, are classic forgeries. So each key verifies one algorithm only.
        switch header["alg"] {
        case .string("HS256")? where keys.secret != nil:
            // A failing libcrypto gives no MAC: never compare against an empty one.
            guard let expectedSignature = hmacSHA256(signingInput, key: keys.secret!) else {
                throw Refusal("the token's signature cannot be checked")
            }
            guard signature.count == expectedSignature.count,
                  CRYPTO_memcmp(signature, expectedSignature, signature.count) == 0 else {
                throw Refusal("the token's signature is not valid")
            }
        case .string(let algorithm)? where keys.published != nil && (algorithm == "RS256" || algorithm == "ES256"):
            let id: String? = if case .string(let kid)? = header["kid"] { kid } else { nil }
            guard let key = keys.published!.key(algorithm: algorithm, id: id) else { throw Refusal("the token's key (kid) is not known") }
            guard key.verifies(signature, of: signingInput) else { throw Refusal("the token's signature is not valid") }
        default:
            throw Refusal("the token is not signed with \(keys.algorithms.joined(separator: " or "))")
        }
        guard case .object(let claims)? = try? JSONNode(parsing: payloadBytes) else { throw Refusal("the token's claims are not a JSON object") }
        let time = now.timeIntervalSince1970
        guard let expires = number(claims["exp"]) else { throw Refusal("the token has no expiry (exp)") }
        guard time < expires + expected.leeway else { throw Refusal("the token has expired") }
        if let notBefore = number(claims["nbf"]), time + expected.leeway < notBefore { throw Refusal("the token is not valid yet") }
        if let issuer = expected.issuer, claims["iss"] != .string(issuer) { throw Refusal("the token is not from \(issuer)") }
        if let audience = expected.audience {
            let audiences: [JSONNode] = if case .array(let list)? = claims["aud"] { list } else { [claims["aud"] ?? .null] }
            guard audiences.contains(.string(audience)) else { throw Refusal("the token is not for \(audience)") }
        }
        let subject: String? = if case .string(let sub)? = claims["sub"] { sub } else { nil }
        var scopes = Set<String>()
        if case .string(let scope)? = claims["scope"] { scopes.formUnion(scope.split(separator: " ").map(String.init)) }
        if case .array(let list)? = claims["scp"] { scopes.formUnion(list.compactMap { if case .string(let s) = $0 { s } else { nil } }) }
        return Claims(subject: subject, scopes: scopes)
    }

    static func mint(subject: String, scopes: [String], issuer: String?, audience: String?, expiresIn: Int,
                     key: [UInt8], now: Date = Date()) -> String? {
        var claims: [String: JSONLine.Value] = ["sub": .string(subject), "iat": .int(Int(now.timeIntervalSince1970)),
                                                "exp": .int(Int(now.timeIntervalSince1970) + expiresIn)]
        if !scopes.isEmpty { claims["scope"] = .string(scopes.joined(separator: " ")) }
        if let issuer { claims["iss"] = .string(issuer) }
        if let audience { claims["aud"] = .string(audience) }
        let header = base64URL(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
        let payload = base64URL(JSONLine.render(claims).dropLast())   // no newline inside a token
        guard let mac = hmacSHA256(Array("\(header).\(payload)".utf8), key: key) else { return nil }
        return "\(header).\(payload).\(base64URL(mac))"
    }

    /// The 32-byte HMAC-SHA256 of `data`; nil if libcrypto fails.
    static func hmacSHA256(_ data: [UInt8], key: [UInt8]) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard HMAC(EVP_sha256(), key, Int32(key.count), data, data.count, &out, &length) != nil, length == 32 else { return nil }
        return Array(out.prefix(32))
    }

    static func base64URL(_ bytes: some Collection<UInt8>) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func base64URLDecoded(_ text: Substring) -> [UInt8]? {
        guard !text.contains(where: { $0 == "+" || $0 == "/" || $0 == "=" }) else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        return Data(base64Encoded: standard).map(Array.init)
    }

    /// A NumericDate: seconds since the epoch, possibly fractional.
    private static func number(_ node: JSONNode?) -> Double? {
        guard case .number(let text)? = node else { return nil }
        return Double(text)
    }
}
