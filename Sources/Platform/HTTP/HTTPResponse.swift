import JSON

public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// `value` as `application/json`, unless `headers` already names a Content-Type.
    public static func json<T: Encodable>(_ value: T, status: Int = 200, headers: HTTPHeaders = [:]) -> HTTPResponse {
        let body: [UInt8]
        do {
            body = try JSONCodec.encode(value)
        } catch {
            // Only values JSON cannot represent (NaN, infinity) get here: the handler's bug, not the client's.
            return Problem(status: 500, detail: "the response could not be encoded").response
        }
        var headers = headers
        if headers["Content-Type"] == nil { headers["Content-Type"] = "application/json" }
        return HTTPResponse(status: status, headers: headers, body: body)
    }

    public static func text(_ s: String, status: Int = 200, contentType: String = "text/plain; charset=utf-8") -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": contentType], body: Array(s.utf8))
    }
}
