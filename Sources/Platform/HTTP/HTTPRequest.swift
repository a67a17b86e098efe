public struct HTTPRequest: Sendable {
    public var method: String
    /// The request-target exactly as received.
    public var target: String
    /// The percent-decoded path, without the query.
    public var path: String
    /// Decoded query parameters; a repeated name keeps its last value.
    public var query: [String: String]
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Filled by `Router` from the `{name}` segments of the matched pattern.
    public var pathParameters: [String: String]
    /// The client's IP address as the connection shows it; nil for a request built in-process.
    public var remoteAddress: String?

    public init(method: String, target: String, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        let (path, query) = RequestTarget.split(target)
        self.method = method
        self.target = target
        self.path = PercentDecoding.decode(path, plusAsSpace: false)
        self.query = RequestTarget.queryParameters(query)
        self.headers = headers
        self.body = body
        self.pathParameters = [:]
    }
}

extension HTTPRequest {
    /// The integer id in path segment `{name}`; a 404 when it is not one, since no resource
    /// can live at such a path.
    public func id(_ name: String = "id") throws(Problem) -> Int {
        guard let text = pathParameters[name], let id = Int(text), id > 0, !text.hasPrefix("+") else {
            throw .notFound("no resource at \(path)")
        }
        return id
    }
}
