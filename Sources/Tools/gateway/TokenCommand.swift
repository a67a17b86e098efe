import Foundation

/// `gateway token --subject NAME [--scope SCOPE]... [--expires-in SECONDS] [--issuer ISS]
/// [--audience AUD]`: prints a development token signed with `JWT_SECRET` (or `JWT_SECRET_FILE`),
/// the key the gateway checks tokens with. `--expires-in` defaults to 3600; a negative one gives
/// an expired token, to see what clients get.
enum TokenCommand {
    static let usage = "usage: gateway token --subject NAME [--scope SCOPE]... [--expires-in SECONDS] [--issuer ISS] [--audience AUD]"

    /// The token, or the one line to print before exit 2.
    static func run(_ arguments: [String], environment: [String: String]) -> Result<String, ConfigurationError> {
        var subject: String?
        var scopes: [String] = []
        var expiresIn = 3600
        var issuer: String?
        var audience: String?
        var rest = arguments[...]
        while let option = rest.popFirst() {
            guard let value = rest.popFirst(), !value.isEmpty else { return .failure(ConfigurationError("\(option) needs a value\n\(usage)")) }
            switch option {
            case "--subject": subject = value
            case "--scope": scopes += value.split(separator: " ").map(String.init)
            case "--expires-in":
                guard let seconds = Int(value), (-366 * 86_400...366 * 86_400).contains(seconds) else {
                    return .failure(ConfigurationError("--expires-in \(value) is not a number of seconds within a year\n\(usage)"))
                }
                expiresIn = seconds
            case "--issuer": issuer = value
            case "--audience": audience = value
            default: return .failure(ConfigurationError("unknown option \(option)\n\(usage)"))
            }
        }
        guard let subject else { return .failure(ConfigurationError("--subject is required\n\(usage)")) }
        let key: [UInt8]
        do {
            key = try Authentication.key(environment)
        } catch {
            return .failure(error)
        }
        guard let token = JSONWebToken.mint(subject: subject, scopes: scopes, issuer: issuer, audience: audience,
                                            expiresIn: expiresIn, key: key) else {
            return .failure(ConfigurationError("libcrypto could not sign the token"))
        }
        return .success(token)
    }
}
