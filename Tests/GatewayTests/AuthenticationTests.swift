import CCrypto
import Foundation
import HTTP
import Testing
import TestSupport

/// Where the gateway puts a token's subject for the services (README).
private let subjectHeader = "X-Authenticated-Subject"

@Suite("Gateway authentication", .serialized)
struct AuthenticationTests {
    static let secret = "a-development-secret-of-32-bytes-or-more"
    static let settings = ["JWT_SECRET": secret, "JWT_ISSUER": "devstack", "JWT_AUDIENCE": "ticketing",
                           "PROTECTED_ROUTES": "/bookings=bookings:write,/payments"]

    /// A token from `gateway token`, as a developer would mint one.
    private func mint(_ arguments: [String], secret: String = AuthenticationTests.secret) throws -> String {
        let run = try CommandRun(try ProjectPaths.executable("gateway"), ["token"] + arguments,
                                 environment: ["JWT_SECRET": secret], timeout: .seconds(10))
        try #require(run.status == 0, "gateway token: \(run.stderr)")
        return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A token built by hand, for what `gateway token` will not make.
    static func craft(header: String, claims: String, secret: String = AuthenticationTests.secret) -> String {
        let signingInput = ProviderKey.base64URL(Array(header.utf8)) + "." + ProviderKey.base64URL(Array(claims.utf8))
        var mac = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let key = Array(secret.utf8), data = Array(signingInput.utf8)
        _ = HMAC(EVP_sha256(), key, Int32(key.count), data, data.count, &mac, &length)
        return signingInput + "." + ProviderKey.base64URL(mac)
    }

    private func call(_ gateway: GatewayProcess, _ path: String, token: String?, headers: HTTPHeaders = [:]) throws -> HTTPClientResponse {
        var headers = headers
        if let token { headers["Authorization"] = "Bearer \(token)" }
        return try gateway.send("GET", path, headers: headers)
    }

    @Test("a protected route needs a valid token with its scope; the subject reaches the service in a header clients cannot set")
    func protectedRoutes() throws {
        let upstream = try RecordingUpstream { _ in .text("ok") }
        let gateway = try GatewayProcess(routes: "/bookings=\(upstream.url),/payments=\(upstream.url),/shows=\(upstream.url)",
                                         environment: Self.settings)
        let writer = try mint(["--subject", "alice", "--scope", "bookings:write", "--issuer", "devstack", "--audience", "ticketing"])
        let reader = try mint(["--subject", "bob", "--issuer", "devstack", "--audience", "ticketing"])

        let missing = try call(gateway, "/bookings", token: nil)
        #expect(missing.status == 401)
        #expect(missing.headers["WWW-Authenticate"] == #"Bearer realm="gateway""#)
        #expect(missing.headers["Content-Type"] == "application/problem+json")

        #expect(try call(gateway, "/bookings", token: writer, headers: [subjectHeader: "mallory"]).status == 200)
        #expect(upstream.requests.last?.headers[subjectHeader] == "alice")

        let unscoped = try call(gateway, "/bookings", token: reader)
        #expect(unscoped.status == 403)
        #expect(unscoped.headers["WWW-Authenticate"] == #"Bearer realm="gateway", error="insufficient_scope", scope="bookings:write""#)
        #expect(try call(gateway, "/payments", token: reader).status == 200, "a route protected without a scope takes any valid token")

        #expect(try call(gateway, "/shows", token: nil, headers: [subjectHeader: "mallory"]).status == 200, "open routes stay open")
        #expect(upstream.requests.last?.headers[subjectHeader] == nil, "a client's own subject header is dropped")
        #expect(upstream.requests.count == 3)
        #expect(!gateway.process.log.contains(writer), "no token in the log")
    }

    @Test("tokens that are expired, early, forged or meant for someone else are refused with invalid_token", arguments: [
        ("expired", "the token has expired"),
        ("early", "the token is not valid yet"),
        ("other key", "the token's signature is not valid"),
        ("alg none", "the token is not signed with HS256"),
        ("RS256 with no key set", "the token is not signed with HS256"),
        ("other issuer", "the token is not from devstack"),
        ("other audience", "the token is not for ticketing"),
        ("no expiry", "the token has no expiry (exp)"),
        ("garbage", "the token is not three base64url parts"),
    ])
    func refused(kind: String, reason: String) throws {
        let upstream = try RecordingUpstream { _ in .text("ok") }
        let gateway = try GatewayProcess(routes: "/payments=\(upstream.url)",
                                         environment: Self.settings.merging(["PROTECTED_ROUTES": "/payments"]) { _, new in new })
        let now = Int(Date().timeIntervalSince1970)
        let valid = #"{"sub":"eve","iss":"devstack","aud":"ticketing","exp":\#(now + 600)}"#
        let token = switch kind {
        case "expired": try mint(["--subject", "eve", "--issuer", "devstack", "--audience", "ticketing", "--expires-in", "-120"])
        case "early": Self.craft(header: #"{"alg":"HS256"}"#, claims: #"{"iss":"devstack","aud":["x","ticketing"],"exp":\#(now + 600),"nbf":\#(now + 300)}"#)
        case "other key": Self.craft(header: #"{"alg":"HS256"}"#, claims: valid, secret: String(repeating: "k", count: 40))
        case "alg none": String(Self.craft(header: #"{"alg":"none"}"#, claims: valid).split(separator: ".")[0...1].joined(separator: ".")) + "."
        case "other issuer": try mint(["--subject", "eve", "--issuer", "elsewhere", "--audience", "ticketing"])
        case "other audience": try mint(["--subject", "eve", "--issuer", "devstack", "--audience", "hotel"])
        case "RS256 with no key set": ProviderKey.rsa.token(valid)
        case "no expiry": Self.craft(header: #"{"alg":"HS256"}"#, claims: #"{"sub":"eve","iss":"devstack","aud":"ticketing"}"#)
        default: "not-a-token"
        }
        let answer = try call(gateway, "/payments", token: token)
        #expect(answer.status == 401)
        #expect(answer.headers["WWW-Authenticate"] == #"Bearer realm="gateway", error="invalid_token", error_description="\#(reason)""#)
        #expect(upstream.requests.isEmpty)
    }

    @Test("a token within the leeway of its expiry still passes")
    func leeway() throws {
        let upstream = try RecordingUpstream { _ in .text("ok") }
        let gateway = try GatewayProcess(routes: "/payments=\(upstream.url)",
                                         environment: Self.settings.merging(["PROTECTED_ROUTES": "/payments"]) { _, new in new })
        let lately = try mint(["--subject", "eve", "--issuer", "devstack", "--audience", "ticketing", "--expires-in", "-30"])
        #expect(try call(gateway, "/payments", token: lately).status == 200)
    }

    @Test("settings the gateway cannot check tokens with stop it at start", arguments: [
        (["PROTECTED_ROUTES": "/a"], "gateway: JWT_SECRET, JWT_SECRET_FILE or JWKS_FILE is required to check tokens"),
        (["PROTECTED_ROUTES": "/a", "JWT_SECRET": "short"], "gateway: the JWT secret must be at least 32 bytes long"),
        (["PROTECTED_ROUTES": "/b", "JWT_SECRET": secret], "gateway: PROTECTED_ROUTES: /b is not a prefix in ROUTES"),
        (["PROTECTED_ROUTES": "/a=x y", "JWT_SECRET": secret], "gateway: PROTECTED_ROUTES: the scope of /a must be one word, not 'x y'"),
        (["PROTECTED_ROUTES": "/a", "JWT_SECRET_FILE": "/nonexistent/secret"], "gateway: JWT_SECRET_FILE=/nonexistent/secret cannot be read"),
    ])
    func invalid(settings: [String: String], message: String) throws {
        let run = try gatewayRun(environment: ["ROUTES": "/a=http://127.0.0.1:1"].merging(settings) { _, new in new })
        #expect(run.status == 2)
        #expect(run.stderr.hasPrefix(message), "stderr: \(run.stderr)")
    }

    @Test("gateway token refuses what it cannot mint")
    func tokenUsage() throws {
        let gateway = try ProjectPaths.executable("gateway")
        let noSubject = try CommandRun(gateway, ["token"], environment: ["JWT_SECRET": Self.secret], timeout: .seconds(10))
        #expect(noSubject.status == 2 && noSubject.stderr.hasPrefix("gateway: --subject is required"))
        let noSecret = try CommandRun(gateway, ["token", "--subject", "a"], environment: [:], timeout: .seconds(10))
        #expect(noSecret.status == 2 && noSecret.stderr.hasPrefix("gateway: JWT_SECRET or JWT_SECRET_FILE is required"))
    }
}
