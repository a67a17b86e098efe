import Foundation

/// Limits and timeouts of an `HTTPServer`. Every one of them bounds what a slow, broken or hostile
/// client can make the server hold: threads, memory, descriptors.
public struct HTTPServerConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port; `HTTPServer.start()` returns the one bound.
    public var port: Int
    /// Connections beyond this get a 503 and are closed.
    public var maxConnections: Int
    /// Requests handled at once, not counting those waiting on another service through
    /// `HTTPClient`; more wait their turn. Twice the cores by default: enough to cover handlers
    /// that wait on the disk, few enough that the cores are not shared by dozens of runnable threads.
    public var threads: Int
    /// 414 beyond it.
    public var maxRequestLineBytes: Int
    /// Request line plus header fields; 431 beyond it. Also the cap on a chunked body's trailers.
    public var maxHeadBytes: Int
    /// 431 beyond it.
    public var maxHeaderCount: Int
    /// 413 beyond it, decided from Content-Length before the body is read.
    public var maxBodyBytes: Int
    /// Absolute deadline for a whole request head from its first byte (from accept for the first
    /// request), not reset per byte: a client trickling bytes (slowloris) gets a 408 at the deadline.
    public var headTimeout: Duration
    /// Absolute deadline for reading a request body once the head is in.
    public var bodyTimeout: Duration
    /// How long a keep-alive connection may wait for its next request.
    public var idleTimeout: Duration
    /// Deadline for writing one response to a client that does not read.
    public var sendTimeout: Duration

    public static var defaultThreads: Int { max(4, 2 * ProcessInfo.processInfo.activeProcessorCount) }

    public init(host: String = "0.0.0.0", port: Int = 0, maxConnections: Int = 512, threads: Int = HTTPServerConfiguration.defaultThreads,
                maxRequestLineBytes: Int = 8192, maxHeadBytes: Int = 32768, maxHeaderCount: Int = 100,
                maxBodyBytes: Int = 1 << 20, headTimeout: Duration = .seconds(10), bodyTimeout: Duration = .seconds(30),
                idleTimeout: Duration = .seconds(60), sendTimeout: Duration = .seconds(10)) {
        self.host = host
        self.port = port
        self.maxConnections = maxConnections
        self.threads = threads
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeadBytes = maxHeadBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
        self.headTimeout = headTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.sendTimeout = sendTimeout
    }
}
