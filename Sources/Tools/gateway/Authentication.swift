import Foundation
import HTTP

/// Bearer tokens on the routes `PROTECTED_ROUTES` names (`prefix` or `prefix=scope`,
/// comma-separated): HS256 with the key in `JWT_SECRET` or the file `JWT_SECRET_FILE` (a mounted
/// secret), RS256 and ES256 with the keys in the JWKS file `JWKS_FILE` (an identity provider's),
/// and `exp`, `nbf`, `iss` (`JWT_ISSUER`), `aud` (`JWT_AUDIENCE`) checked within
/// `JWT_LEEWAY_SECONDS` (60) of clock skew. Routes not named stay open.
struct Authentication: Sendable {
    let keys: JSONWebToken.Keys
    let expectations: JSONWebToken.Expectations
    /// Prefix → the scope a token needs there, if any.
    private let protected: [String: String?]

    /// nil when `PROTECTED_ROUTES` is unset: no route needs a token.
    init?(environment: [String: String], routes: RouteTable) throws(ConfigurationError) {
        guard let list = environment["PROTECTED_ROUTES"], !list.isEmpty else { return nil }
        var protected: [String: String?] = [:]
        for item in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard routes.routes.contains(where: { $0.prefix == parts[0] }) else {
                throw ConfigurationError("PROTECTED_ROUTES: \(parts[0]) is not a prefix in ROUTES")
            }
            // A token's scopes are one space-separated claim: a scope with a space could never be held.
            if parts.count == 2, parts[1].isEmpty || parts[1].contains(where: \.isWhitespace) {
                throw ConfigurationError("PROTECTED_ROUTES: the scope of \(parts[0]) must be one word, not '\(parts[1])'")
            }
            protected[parts[0]] = parts.count == 2 ? parts[1] : nil
        }
        self.protected = protected
        var keys = JSONWebToken.Keys()
        if let file = environment["JWKS_FILE"], !file.isEmpty { keys.published = try JSONWebKeySet(file: file) }
        let hasSecret = Self.secretVariables.contains { !(environment[$0] ?? "").isEmpty }
        guard hasSecret || keys.published != nil else {
            throw ConfigurationError("JWT_SECRET, JWT_SECRET_FILE or JWKS_FILE is required to check tokens")
        }
        if hasSecret { keys.secret = try Self.key(environment) }
        self.keys = keys
        var expectations = JSONWebToken.Expectations()
        expectations.issuer = environment["JWT_ISSUER"].flatMap { $0.isEmpty ? nil : $0 }
        expectations.audience = environment["JWT_AUDIENCE"].flatMap { $0.isEmpty ? nil : $0 }
        if let leeway = environment["JWT_LEEWAY_SECONDS"], !leeway.isEmpty {
            guard let seconds = Int(leeway), (0...3600).contains(seconds) else {
                throw ConfigurationError("JWT_LEEWAY_SECONDS=\(leeway) is not a whole number in 0...3600")
            }
            expectations.leeway = Double(seconds)
        }
        self.expectations = expectations
    }

    static let secretVariables = ["JWT_SECRET", "JWT_SECRET_FILE"]

    /// The HS256 key: `JWT_SECRET`, or the contents of `JWT_SECRET_FILE` (a trailing newline
    /// dropped); at least 32 bytes, as RFC 7518 §3.2 requires.
    static func key(_ environment: [String: String]) throws(ConfigurationError) -> [UInt8] {
        var secret: String
        if let file = environment["JWT_SECRET_FILE"], !file.isEmpty {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ConfigurationError("JWT_SECRET_FILE=\(file) cannot be read")
            }
            secret = text
            if secret.hasSuffix("\n") { secret.removeLast() }
        } else if let text = environment["JWT_SECRET"], !text.isEmpty {
            secret = text
        } else {
            throw ConfigurationError("JWT_SECRET or JWT_SECRET_FILE is required to check or mint tokens")
        }
        guard secret.utf8.count >= 32 else { throw ConfigurationError("the JWT secret must be at least 32 bytes long") }
        return Array(secret.utf8)
    }

    /// For a request under `prefix`: nil when it may pass (with the token's subject, if any, in
    /// `subject`), else the 401 or 403 to answer.
    func refusal(of request: HTTPRequest, under prefix: String, subject: inout String?) -> Problem? {
        guard let needed = protected[prefix] else { return nil }
        let challenge = #"Bearer realm="gateway""#
        guard let authorization = request.headers["Authorization"], authorization.lowercased().hasPrefix("bearer ") else {
            return Problem(status: 401, detail: "\(prefix) needs a bearer token", headers: ["WWW-Authenticate": challenge])
        }
        let token = authorization.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        let claims: JSONWebToken.Claims
        do {
            claims = try JSONWebToken.verify(token, keys: keys, expecting: expectations)
        } catch {
            return Problem(status: 401, detail: "\(error)",
                           headers: ["WWW-Authenticate": #"\#(challenge), error="invalid_token", error_description="\#(error)""#])
        }
        if let needed, !claims.scopes.contains(needed) {
            return Problem(status: 403, detail: "\(prefix) needs the scope \(needed)",
                           headers: ["WWW-Authenticate": #"\#(challenge), error="insufficient_scope", scope="\#(needed)""#])
        }
        subject = claims.subject
        return nil
    }
}
