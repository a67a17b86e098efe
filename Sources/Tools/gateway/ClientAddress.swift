import Foundation
import HTTP

/// Whom a rate limit counts when no token says.
enum ClientAddress {
    /// The connection's address, or behind a trusted proxy the address it saw (the last of
    /// `X-Forwarded-For`, which each proxy appends to); an IPv6 one as its network.
    static func of(_ request: HTTPRequest, trustForwardedHeaders: Bool) -> String {
        var address = request.remoteAddress ?? "unknown"
        if trustForwardedHeaders, let seen = request.headers.values("X-Forwarded-For").last?.split(separator: ",").last {
            let forwarded = seen.trimmingCharacters(in: .whitespaces)
            if !forwarded.isEmpty { address = forwarded }
        }
        return network(of: address)
    }

    /// An IPv6 address stands for its /64, which one subscriber usually holds whole: rotating
    /// addresses within it must not give a fresh bucket each time. Anything else as it is.
    static func network(of address: String) -> String {
        var parsed = in6_addr()
        guard address.contains(":"), inet_pton(AF_INET6, address, &parsed) == 1 else { return address }
        let bytes = withUnsafeBytes(of: parsed) { Array($0.prefix(8)) }
        return stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":") + "::/64"
    }
}
