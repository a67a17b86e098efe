public enum HTTPClientError: Error, Sendable, Equatable {
    case invalidURL(String)
    /// Name resolution or connect failed: nothing was sent, so the request may go elsewhere.
    case notConnected(String)
    /// Send or receive failed: the request may have reached the server.
    case connectionFailed(String)
    /// The deadline passed before a complete response arrived.
    case timedOut
    case malformedResponse(String)
}
