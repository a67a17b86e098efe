/// The parts of a request-target (RFC 9112 §3.2) a handler cares about.
enum RequestTarget {
    /// Splits off the query; an absolute-form target (`http://host/path`, sent to proxies) is reduced
    /// to its path so handlers see the same thing either way.
    static func split(_ target: String) -> (path: Substring, query: Substring?) {
        var rest = Substring(target)
        if let fragment = rest.firstIndex(of: "#") { rest = rest[..<fragment] }
        if !rest.hasPrefix("/"), let scheme = rest.range(of: "://") {
            let authorityAndPath = rest[scheme.upperBound...]
            rest = authorityAndPath.firstIndex { $0 == "/" || $0 == "?" }.map { authorityAndPath[$0...] } ?? ""
        }
        guard let mark = rest.firstIndex(of: "?") else { return (rest.isEmpty ? "/" : rest, nil) }
        let path = rest[..<mark]
        return (path.isEmpty ? "/" : path, rest[rest.index(after: mark)...])
    }

    /// `a=1&b=x%20y&flag` → ["a": "1", "b": "x y", "flag": ""]; a repeated name keeps its last value.
    static func queryParameters(_ query: Substring?) -> [String: String] {
        var parameters: [String: String] = [:]
        for pair in query?.split(separator: "&") ?? [] {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = PercentDecoding.decode(parts[0], plusAsSpace: true)
            parameters[name] = parts.count > 1 ? PercentDecoding.decode(parts[1], plusAsSpace: true) : ""
        }
        return parameters
    }
}
