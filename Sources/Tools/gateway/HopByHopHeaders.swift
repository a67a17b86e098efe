import Foundation
import HTTP

/// Fields that describe one connection rather than the message (RFC 9110 §7.6.1): they stop at
/// the gateway in both directions. Framing (Content-Length) and Host are rewritten by the HTTP
/// module for each hop anyway.
enum HopByHopHeaders {
    private static let names: Set<String> = [
        "connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
        // The gateway already answered 100-continue and holds the whole body.
        "expect",
    ]

    static func removed(from headers: HTTPHeaders) -> HTTPHeaders {
        // Connection may name further fields that are only for this hop.
        let named = Set(headers.values("Connection").flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
        var kept: HTTPHeaders = [:]
        for (name, value) in headers {
            let lowered = name.lowercased()
            guard !names.contains(lowered), !named.contains(lowered), !lowered.hasPrefix("proxy-") else { continue }
            kept.add(name, value)
        }
        return kept
    }
}
