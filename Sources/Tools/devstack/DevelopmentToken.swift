import Foundation
import Glibc
import Processes

/// With `PROTECTED_ROUTES` set, devstack's gateway wants bearer tokens on those routes. Unless a
/// key is given (`JWT_SECRET`, `JWT_SECRET_FILE` or `JWKS_FILE`), devstack makes a secret in the
/// state directory for it, new at each `up`; either way, when it holds the secret it prints a
/// token for the subject `developer` with every scope the routes need, good for 12 hours, minted
/// by `gateway token` as a developer would.
enum DevelopmentToken {
    static let subject = "developer"
    static let lifetime = 12 * 3600

    static func isWanted(_ environment: [String: String]) -> Bool { !(environment["PROTECTED_ROUTES"] ?? "").isEmpty }

    /// Where devstack's own secret goes, when the gateway needs one and none is given.
    static func secretFile(_ environment: [String: String], stateDirectory: URL) -> URL? {
        let given = ["JWT_SECRET", "JWT_SECRET_FILE", "JWKS_FILE"].contains { !(environment[$0] ?? "").isEmpty }
        return isWanted(environment) && !given ? stateDirectory.appendingPathComponent("jwt-secret") : nil
    }

    /// 32 random bytes, base64: what RFC 7518 §3.2 asks of an HS256 key.
    /// Created readable by its owner alone from the start, never for a moment by others.
    static func writeSecret(to file: URL) throws(Failure) {
        var generator = SystemRandomNumberGenerator()
        let secret = Array(Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64EncodedString().utf8)
        unlink(file.path)
        let fd = open(file.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .failed("cannot create \(file.path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard write(fd, secret, secret.count) == secret.count else {
            throw .failed("cannot write \(file.path): \(String(cString: strerror(errno)))")
        }
    }

    /// The token, or why there is none (the gateway checks only a provider's keys, or refused).
    static func mint(gateway: ProcessSpec) -> Result<String, Failure> {
        let environment = gateway.environment
        guard !(environment["JWT_SECRET"] ?? "").isEmpty || !(environment["JWT_SECRET_FILE"] ?? "").isEmpty else {
            return .failure(.failed("no token: the gateway checks tokens with JWKS_FILE's keys only"))
        }
        // `/bookings=bookings:write,/payments`: the scopes after `=`.
        let scopes = (environment["PROTECTED_ROUTES"] ?? "").split(separator: ",").compactMap { item in
            item.split(separator: "=", maxSplits: 1).dropFirst().first.map { $0.trimmingCharacters(in: .whitespaces) }
        }
        var arguments = ["token", "--subject", subject, "--expires-in", "\(lifetime)"] + scopes.flatMap { ["--scope", $0] }
        if let issuer = environment["JWT_ISSUER"], !issuer.isEmpty { arguments += ["--issuer", issuer] }
        if let audience = environment["JWT_AUDIENCE"], !audience.isEmpty { arguments += ["--audience", audience] }
        do {
            let run = try Spawn.run(gateway.executable, arguments: arguments, environment: environment)
            guard run.status == .exited(0) else { return .failure(.failed("no token: gateway token said: \(run.output)")) }
            return .success(run.output.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            return .failure(.failed("no token: \(error)"))
        }
    }
}
