/// One answered request, rejected ones included, for logs and metrics. `method` and `path` are
/// empty when the request was refused before they could be read.
public struct HTTPExchange: Sendable {
    public let method: String
    public let path: String
    public let status: Int
    /// From the request's first byte until its response was written.
    public let duration: Duration

    /// `method` as a metrics label: the standard methods as they are, anything else `other`, so
    /// that clients cannot make a series per made-up method.
    public var methodLabel: String {
        Self.standardMethods.contains(method) ? method : "other"
    }

    private static let standardMethods: Set = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"]
}
