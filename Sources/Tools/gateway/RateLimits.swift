/// `RATE_LIMITS`: how many requests each client may send under a route's prefix, as a token
/// bucket: comma-separated `prefix=RATE[:BURST]`, RATE being `N/s` or `N/m`, BURST the requests
/// allowed at once (default: one second's worth, at least 1). `*` is every route not named.
/// Unset: no limit. `*=50/s:100,/bookings=5/s` gives each client 50 requests a second (bursts
/// of 100) everywhere but on /bookings, where it gets 5.
struct RateLimits: Sendable, Equatable {
    struct Limit: Sendable, Equatable {
        let perSecond: Double
        let burst: Double
        /// As configured, for the client's 429: `5/s`.
        let text: String
    }

    private let byPrefix: [String: Limit]
    private let fallback: Limit?

    static let none = RateLimits(byPrefix: [:], fallback: nil)

    private init(byPrefix: [String: Limit], fallback: Limit?) {
        self.byPrefix = byPrefix
        self.fallback = fallback
    }

    /// `routes` are the gateway's: a limit for a prefix that is not one is a mistake.
    init(parsing text: String, routes: RouteTable) throws(ConfigurationError) {
        var byPrefix: [String: Limit] = [:]
        var fallback: Limit?
        for pair in text.split(separator: ",") where !pair.allSatisfy(\.isWhitespace) {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { throw ConfigurationError("RATE_LIMITS: '\(pair)' is not prefix=N/s[:burst]") }
            let limit = try Self.limit(parts[1], for: parts[0])
            if parts[0] == "*" {
                guard fallback == nil else { throw ConfigurationError("RATE_LIMITS: * is given twice") }
                fallback = limit
            } else {
                guard routes.routes.contains(where: { $0.prefix == parts[0] }) else {
                    throw ConfigurationError("RATE_LIMITS: \(parts[0]) is not a prefix in ROUTES")
                }
                guard byPrefix.updateValue(limit, forKey: parts[0]) == nil else {
                    throw ConfigurationError("RATE_LIMITS: \(parts[0]) is given twice")
                }
            }
        }
        self.init(byPrefix: byPrefix, fallback: fallback)
    }

    func limit(for prefix: String) -> Limit? { byPrefix[prefix] ?? fallback }

    private static func limit(_ text: String, for prefix: String) throws(ConfigurationError) -> Limit {
        let fail = ConfigurationError("RATE_LIMITS: '\(text)' for \(prefix) is not N/s or N/m with an optional :burst, e.g. 5/s:10")
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, let rate = parts.first else { throw fail }
        let perSecond: Double
        if rate.hasSuffix("/s"), let n = wholeNumber(rate.dropLast(2)) {
            perSecond = Double(n)
        } else if rate.hasSuffix("/m"), let n = wholeNumber(rate.dropLast(2)) {
            perSecond = Double(n) / 60
        } else {
            throw fail
        }
        var burst = max(1, perSecond.rounded(.up))
        if parts.count == 2 {
            guard let given = wholeNumber(parts[1]) else { throw fail }
            burst = Double(given)
        }
        return Limit(perSecond: perSecond, burst: burst, text: String(rate))
    }

    /// 1 to 1,000,000, digits only.
    private static func wholeNumber(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.allSatisfy({ ("0"..."9").contains($0) }), let n = Int(text), (1...1_000_000).contains(n) else { return nil }
        return n
    }
}
