import Foundation
import HTTP
import Testing
import TestSupport

/// RS256 and ES256 tokens from an identity provider, checked against its keys in `JWKS_FILE`.
@Suite("Gateway authentication with an identity provider's keys (JWKS)", .serialized)
struct PublishedKeyTests {
    private static func claims(_ subject: String = "carol", expiresIn: Int = 600) -> String {
        #"{"sub":"\#(subject)","exp":\#(Int(Date().timeIntervalSince1970) + expiresIn)}"#
    }

    private func keySetFile(_ keys: [ProviderKey]) throws -> URL {
        let file = try ProjectPaths.temporaryDirectory("jwks").appendingPathComponent("jwks.json")
        try Data(ProviderKey.keySet(keys).utf8).write(to: file)
        return file
    }

    private func startGateway(_ upstream: RecordingUpstream, keySet: URL, also settings: [String: String] = [:]) throws -> GatewayProcess {
        try GatewayProcess(routes: "/payments=\(upstream.url)",
                           environment: ["PROTECTED_ROUTES": "/payments", "JWKS_FILE": keySet.path].merging(settings) { _, new in new })
    }

    private func sleep(until instant: ContinuousClock.Instant) {
        let left = instant - .now
        if left > .zero { Thread.sleep(forTimeInterval: left.timeInterval) }
    }

    private func call(_ gateway: GatewayProcess, _ token: String) throws -> HTTPClientResponse {
        try gateway.send("GET", "/payments", headers: ["Authorization": "Bearer \(token)"])
    }

    @Test("RS256 and ES256 tokens signed with the provider's keys pass, with their subject")
    func accepted() throws {
        let upstream = try RecordingUpstream { _ in .text("ok") }
        let gateway = try startGateway(upstream, keySet: try keySetFile([.rsa, .ec]))
        for key in [ProviderKey.rsa, .ec] {
            #expect(try call(gateway, key.token(Self.claims(key.algorithm))).status == 200, "\(key.algorithm)")
            #expect(upstream.requests.last?.headers["X-Authenticated-Subject"] == key.algorithm)
        }
        // r with its high bit set and s with a leading zero: DER needs a sign byte for one and
        // drops the zero of the other. One signature in about 512 is like that.
        let awkward = try #require((0..<20_000).lazy.map { ProviderKey.ec.token(Self.claims("awkward-\($0)")) }.first { token in
            let signature = Array(Data(base64Encoded: String(token.split(separator: ".")[2]).replacingOccurrences(of: "-", with: "+")
                .replacingOccurrences(of: "_", with: "/") + "==")!)
            return signature[0] >= 0x80 && signature[32] == 0
        })
        #expect(try call(gateway, awkward).status == 200)
        let alone = try startGateway(upstream, keySet: try keySetFile([.ec]))
        #expect(try call(alone, ProviderKey.ec.token(Self.claims(), header: #"{"alg":"ES256"}"#)).status == 200,
                "without a kid, the only key of its algorithm")
    }

    @Test("forged, misdirected and confused tokens are refused", arguments: [
        ("another key under the provider's kid", "the token's signature is not valid"),
        ("a kid the provider never published", "the token's key (kid) is not known"),
        ("the EC key's kid on an RS256 token", "the token's key (kid) is not known"),
        ("HS256 with the public key as its secret", "the token is not signed with RS256 or ES256"),
        ("an ES256 signature cut short", "the token's signature is not valid"),
        ("alg none", "the token is not signed with RS256 or ES256"),
        ("expired", "the token has expired"),
    ])
    func refused(kind: String, reason: String) throws {
        let upstream = try RecordingUpstream { _ in .text("ok") }
        let gateway = try startGateway(upstream, keySet: try keySetFile([.rsa, .ec]))
        let token = switch kind {
        case "another key under the provider's kid": ProviderKey.otherRSA.token(Self.claims(), header: #"{"alg":"RS256","kid":"rsa-1"}"#)
        case "a kid the provider never published": ProviderKey.otherRSA.token(Self.claims())
        case "the EC key's kid on an RS256 token": ProviderKey.rsa.token(Self.claims(), header: #"{"alg":"RS256","kid":"ec-1"}"#)
        case "HS256 with the public key as its secret":
            // The classic confusion: a verifier that lets the token pick the algorithm takes the
            // published key as an HMAC secret, which anyone can compute with.
            AuthenticationTests.craft(header: #"{"alg":"HS256","kid":"rsa-1"}"#, claims: Self.claims(), secret: ProviderKey.rsa.jwk)
        case "an ES256 signature cut short": String(ProviderKey.ec.token(Self.claims()).dropLast(4))
        case "alg none": ProviderKey.rsa.token(Self.claims(), header: #"{"alg":"none","kid":"rsa-1"}"#).split(separator: ".")[0...1]
            .joined(separator: ".") + "."
        default: ProviderKey.rsa.token(Self.claims(expiresIn: -120))
        }
        let answer = try call(gateway, token)
        #expect(answer.status == 401)
        #expect(answer.headers["WWW-Authenticate"] == #"Bearer realm="gateway", error="invalid_token", error_description="\#(reason)""#)
        #expect(upstream.requests.isEmpty)
    }

    @Test("keys the provider publishes or withdraws count within 5 s, with no restart; a broken file changes nothing")
    func rotation() throws {
        let upstream = try RecordingUpstream { _ in .text("ok") }
        let file = try keySetFile([.rsa, .ec])
        let gateway = try startGateway(upstream, keySet: file)
        let read = ContinuousClock.now
        try Data("{\"keys\": [".utf8).write(to: file)   // a provider's sync caught halfway
        sleep(until: read + .milliseconds(5_300))
        #expect(try call(gateway, ProviderKey.rsa.token(Self.claims())).status == 200, "the keys as they were")
        try eventually("the gateway says the file is broken") { gateway.process.log.contains("signing keys not changed") }

        try Data(ProviderKey.keySet([.ec, .otherRSA]).utf8).write(to: file)   // rsa-1 withdrawn, rsa-2 published
        let rewritten = ContinuousClock.now
        #expect(try call(gateway, ProviderKey.otherRSA.token(Self.claims())).status == 401, "read at most every 5 s")
        sleep(until: rewritten + .milliseconds(5_300))
        #expect(try call(gateway, ProviderKey.otherRSA.token(Self.claims())).status == 200)
        #expect(try call(gateway, ProviderKey.rsa.token(Self.claims())).status == 401, "a withdrawn key no longer passes")
    }

    @Test("HS256 and a provider's keys side by side: each token is checked with its own kind of key")
    func bothKinds() throws {
        let upstream = try RecordingUpstream { _ in .text("ok") }
        let gateway = try startGateway(upstream, keySet: try keySetFile([.ec]), also: ["JWT_SECRET": AuthenticationTests.secret])
        #expect(try call(gateway, ProviderKey.ec.token(Self.claims())).status == 200)
        #expect(try call(gateway, AuthenticationTests.craft(header: #"{"alg":"HS256"}"#, claims: Self.claims())).status == 200)
        let confused = try call(gateway, AuthenticationTests.craft(header: #"{"alg":"HS256","kid":"ec-1"}"#, claims: Self.claims(),
                                                                 secret: ProviderKey.ec.jwk))
        #expect(confused.headers["WWW-Authenticate"]?.contains("the token's signature is not valid") == true,
                "HS256 is checked with the secret alone, never with a published key")
        let wrong = try call(gateway, ProviderKey.rsa.token(Self.claims()))
        #expect(wrong.headers["WWW-Authenticate"]?.contains("the token's key (kid) is not known") == true)
    }

    @Test("a key set the gateway cannot use stops it at start", arguments: [
        ("missing", "cannot be read"),
        ("not a key set", "is not a JSON Web Key Set"),
        ("RSA under 2048 bits", "key 0: an RSA key must have 2048 bits or more"),
        ("a point off the curve", "key 0: libcrypto does not take it as an EC public key"),
        ("encryption keys only", "has no RS256 or ES256 signing key"),
    ])
    func unusable(kind: String, message: String) throws {
        let directory = try ProjectPaths.temporaryDirectory("jwks")
        let file = directory.appendingPathComponent("jwks.json")
        let offCurve = #"{"kty":"EC","crv":"P-256","x":"\#(ProviderKey.base64URL(Array(repeating: 1, count: 32)))","y":"\#(ProviderKey.base64URL(Array(repeating: 2, count: 32)))"}"#
        let text: String? = switch kind {
        case "missing": nil
        case "not a key set": #"[{"kty":"RSA"}]"#
        case "RSA under 2048 bits": ProviderKey.keySet([.shortRSA])
        case "a point off the curve": #"{"keys":[\#(offCurve)]}"#
        default: ProviderKey.keySet([.rsa]).replacingOccurrences(of: #""use":"sig""#, with: #""use":"enc""#)
        }
        if let text { try Data(text.utf8).write(to: file) }
        let run = try gatewayRun(environment: ["ROUTES": "/a=http://127.0.0.1:1", "PROTECTED_ROUTES": "/a", "JWKS_FILE": file.path])
        #expect(run.status == 2)
        #expect(run.stderr.hasPrefix("gateway: JWKS_FILE=\(file.path)"), "stderr: \(run.stderr)")
        #expect(run.stderr.contains(message), "stderr: \(run.stderr)")
    }
}
