import Foundation

/// One `prefix=baseURL` pair of ROUTES: requests under `prefix` go to the service at `baseURL`,
/// or to one of its replicas when several base URLs are given (`prefix=url|url`).
struct Route: Sendable, Equatable {
    /// Starts with `/`, never ends with one: `/bookings`.
    let prefix: String
    /// `http://host:port`, without a trailing slash, so the request's own path can follow it.
    /// One per replica, in the order given.
    let baseURLs: [String]

    init(parsing pair: Substring) throws(ConfigurationError) {
        let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 else {
            throw ConfigurationError("ROUTES: '\(pair)' is not prefix=http://host:port")
        }
        let (prefix, urls) = (parts[0], parts[1])
        guard prefix.hasPrefix("/"), prefix.count > 1, !prefix.hasSuffix("/"),
              !prefix.contains(where: { $0 == "?" || $0 == "#" || $0 == " " }) else {
            throw ConfigurationError("ROUTES: prefix '\(prefix)' must start with / and not end with / (e.g. /bookings)")
        }
        var baseURLs: [String] = []
        for url in urls.split(separator: "|", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            // A path on the base URL would be silently dropped or doubled; the upstream gets the request's own path.
            guard let parsed = URL(string: url), parsed.scheme == "http", parsed.host?.isEmpty == false,
                  parsed.port != nil, ["", "/"].contains(parsed.path), parsed.query == nil, parsed.user == nil else {
                throw ConfigurationError("ROUTES: '\(url)' for \(prefix) is not an http://host:port URL")
            }
            let baseURL = url.hasSuffix("/") ? String(url.dropLast()) : url
            guard !baseURLs.contains(baseURL) else { throw ConfigurationError("ROUTES: \(baseURL) is given twice for \(prefix)") }
            baseURLs.append(baseURL)
        }
        self.prefix = prefix
        self.baseURLs = baseURLs
    }

    /// True for the prefix itself and anything below it: `/bookings`, `/bookings/1`, not `/bookingsX`.
    func matches(path: Substring) -> Bool {
        path == prefix || path.hasPrefix(prefix + "/")
    }
}
