/// The parts of an `http://host[:port]/path?query` URL a request needs. Written by hand because
/// Foundation's URL accepts much that cannot go on a request line.
struct ClientURL {
    let host: String
    let port: Int
    /// What goes into the Host field: the authority as written.
    let authority: String
    /// Path and query, for the request line.
    let target: String

    init(_ url: String) throws(HTTPClientError) {
        guard url.lowercased().hasPrefix("http://") else { throw .invalidURL("only http:// URLs are supported: \(url)") }
        var rest = url.dropFirst("http://".count)
        if let fragment = rest.firstIndex(of: "#") { rest = rest[..<fragment] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let pathAndQuery = rest[authorityEnd...]
        guard !authority.isEmpty, !authority.contains("@") else { throw .invalidURL("missing or unsupported host in \(url)") }

        var hostPart = authority
        var portPart: Substring?
        if authority.hasPrefix("[") {
            // An IPv6 literal: [::1]:8080
            guard let close = authority.firstIndex(of: "]") else { throw .invalidURL("unterminated IPv6 address in \(url)") }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let afterBracket = authority[authority.index(after: close)...]
            if !afterBracket.isEmpty {
                guard afterBracket.hasPrefix(":") else { throw .invalidURL("malformed host in \(url)") }
                portPart = afterBracket.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        }
        guard !hostPart.isEmpty else { throw .invalidURL("missing host in \(url)") }
        var port = 80
        if let portPart {
            guard let number = Int(portPart),
                  !portPart.hasPrefix("+"), (1...65535).contains(number) else {
                throw .invalidURL("invalid port in \(url)")
            }
            port = number
        }
        let target = pathAndQuery.isEmpty ? "/" : pathAndQuery.hasPrefix("?") ? "/" + pathAndQuery : String(pathAndQuery)
        guard target.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw .invalidURL("the path and query must be percent-encoded: \(url)")
        }
        self.host = String(hostPart)
        self.port = port
        self.authority = String(authority)
        self.target = target
    }
}
