import HTTP
import Testing

/// `Host` values by RFC 3986 §3.2.2: names, IP literals, ports.
@Suite("Host syntax")
struct HostSyntaxTests {
    @Test("names, IPv4 and IPv6 addresses, IPvFuture and ports are hosts", arguments: [
        "", "example.com", "example.com:8080", "127.0.0.1:80", "a-b_c~d.e", "%41bc", "a!$&'()*+,;=b",
        "[::1]", "[::1]:8080", "[2001:db8::7]", "[::ffff:192.0.2.1]", "[v1.fe80::a+en1]", "[vF.a:b]",
    ])
    func accepted(_ host: String) {
        #expect(HTTPSyntax.isHost(host))
    }

    @Test("spaces, paths, userinfo, bad escapes, bad ports, zones and malformed IP literals are not", arguments: [
        "a b", "a/c?d", "user@a", "a%zz", "a%4", "%", "a:80x", "[::1", "[]", "[1.2.3.4]", "[::1]x", "[::g]", "[1:2:3:4:5:6:7:8:9]",
        "[::1\u{0}x]", "[fe80::1%25eth0]", "[fe80::1%eth0]", "[v.a]", "[v1.]", "[vx.a]", "[v1.a%20]",
    ])
    func refused(_ host: String) {
        #expect(!HTTPSyntax.isHost(host))
    }
}
