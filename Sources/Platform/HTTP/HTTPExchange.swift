/// One answered request, rejected ones included, for logs and metrics. `method` and `path` are
/// empty when the request was refused before they could be read.
public struct HTTPExchange: Sendable {
    public let method: String
    public let path: String
    public let status: Int
    /// From the request's first byte until its response was written.
    public let duration: Duration
}
