/// The gateway's routes, looked up by the request's path: the longest matching prefix wins, so
/// `/shows/seats` can go elsewhere than `/shows`.
struct RouteTable: Sendable {
    /// Longest prefix first.
    let routes: [Route]

    /// `ROUTES`: comma-separated `prefix=http://host:port` pairs.
    init(parsing text: String) throws(ConfigurationError) {
        var routes: [Route] = []
        for pair in text.split(separator: ",") where !pair.allSatisfy(\.isWhitespace) {
            let route = try Route(parsing: pair)
            guard !routes.contains(where: { $0.prefix == route.prefix }) else {
                throw ConfigurationError("ROUTES: prefix \(route.prefix) is given twice")
            }
            routes.append(route)
        }
        guard !routes.isEmpty else {
            throw ConfigurationError("ROUTES is empty: give prefix=http://host:port pairs, e.g. /bookings=http://127.0.0.1:8081")
        }
        self.routes = routes.sorted { $0.prefix.count > $1.prefix.count }
    }

    /// `path` is the request-target's path as received, not percent-decoded, so what is matched is
    /// exactly what is forwarded.
    func route(for path: Substring) -> Route? {
        routes.first { $0.matches(path: path) }
    }
}
