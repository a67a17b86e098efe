/// The fields the gateway and the services agree on beyond HTTP's own.
public enum HeaderName {
    /// The saga a request belongs to: set by the gateway (the client's, or a new one), passed on
    /// by every call between services, logged with every line.
    public static let correlationID = "X-Correlation-Id"
    /// Who the caller is, from a token the gateway verified; the gateway drops any a client sends.
    public static let authenticatedSubject = "X-Authenticated-Subject"
}
