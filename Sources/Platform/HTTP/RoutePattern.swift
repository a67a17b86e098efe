/// A path pattern such as `/bookings/{id}`: literal segments match themselves, `{name}` matches
/// any one non-empty segment and captures it.
struct RoutePattern: Sendable {
    enum Segment: Sendable {
        case literal(String)
        case parameter(String)
    }

    let text: String
    let segments: [Segment]

    init(_ text: String) {
        precondition(text.hasPrefix("/"), "a route pattern starts with '/': \(text)")
        self.text = text
        segments = Self.segments(of: text).map { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") && segment.count > 2
                ? .parameter(String(segment.dropFirst().dropLast()))
                : .literal(String(segment))
        }
    }

    /// Empty segments are kept, so `/bookings/` and `/bookings` stay different resources.
    static func segments(of path: String) -> [Substring] {
        Array(path.split(separator: "/", omittingEmptySubsequences: false).dropFirst())
    }

    /// The captured parameters, or nil when `path` does not match.
    func match(_ path: [Substring]) -> [String: String]? {
        guard path.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (pattern, segment) in zip(segments, path) {
            switch pattern {
            case .literal(let literal):
                guard segment == literal else { return nil }
            case .parameter(let name):
                guard !segment.isEmpty else { return nil }
                parameters[name] = String(segment)
            }
        }
        return parameters
    }

    /// At the first segment where two patterns differ, a literal beats a parameter, so
    /// `/bookings/search` wins over `/bookings/{id}` whatever order they were added in.
    func isLessSpecific(than other: RoutePattern) -> Bool {
        for (mine, theirs) in zip(segments, other.segments) {
            switch (mine, theirs) {
            case (.parameter, .literal): return true
            case (.literal, .parameter): return false
            default: continue
            }
        }
        return false
    }
}
