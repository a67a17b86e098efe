public enum HTTPClientError: Error, Sendable, Equatable {
    case invalidURL(String)
    /// Name resolution, connect or send failed: the request may not have reached the server.
    case connectionFailed(String)
    /// The deadline passed before a complete response arrived.
    case timedOut
    case malformedResponse(String)
}
