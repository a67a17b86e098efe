/// Serializes heads. The message's framing (Content-Length, Transfer-Encoding, Connection) is
/// always ours to write, so the same fields from a handler or caller are dropped rather than
/// duplicated; a field that would break the framing (CR, LF or NUL in it) is dropped too, since
/// sending it would let a handler's input split one response into two.
enum MessageWriter {
    static let continueResponse = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    private static let framingFields = ["Content-Length", "Transfer-Encoding", "Connection"]

    /// `connection` is the Connection field to send, if any. HEAD answers carry the headers of a
    /// GET, Content-Length included, but no body: the body's length, or when the handler gave no
    /// body (a proxy relaying another server's HEAD answer) the Content-Length it set, or none
    /// when it set none (a chunked GET has no length to announce).
    static func response(_ response: HTTPResponse, connection: String?, isHeadRequest: Bool) -> [UInt8] {
        let reason = HTTPStatus.reasonPhrase(response.status) ?? ""
        var bytes = Array("HTTP/1.1 \(response.status) \(reason)\r\n".utf8)
        appendFields(response.headers, to: &bytes)
        let forbidsBody = HTTPStatus.forbidsBody(response.status)
        if !forbidsBody {
            if isHeadRequest && response.body.isEmpty {
                if let declared = try? BodyFraming.contentLength(response.headers.values("Content-Length"), limit: Int.max) {
                    appendField("Content-Length", String(declared), to: &bytes)
                }
            } else {
                appendField("Content-Length", String(response.body.count), to: &bytes)
            }
        }
        if let connection { appendField("Connection", connection, to: &bytes) }
        bytes += HTTPSyntax.crlf
        if !forbidsBody && !isHeadRequest { bytes += response.body }
        return bytes
    }

    /// A client request; unless `keepAlive`, it asks the server to close the connection after answering.
    static func request(method: String, target: String, host: String, headers: HTTPHeaders, body: [UInt8],
                        keepAlive: Bool) -> [UInt8] {
        var bytes = Array("\(method) \(target) HTTP/1.1\r\n".utf8)
        appendField("Host", host, to: &bytes)
        var headers = headers
        headers["Host"] = nil
        appendFields(headers, to: &bytes)
        // Servers may refuse a POST without a length (411), even an empty one.
        if !body.isEmpty || ["POST", "PUT", "PATCH"].contains(method) {
            appendField("Content-Length", String(body.count), to: &bytes)
        }
        if !keepAlive { appendField("Connection", "close", to: &bytes) }
        return bytes + HTTPSyntax.crlf + body
    }

    private static func appendFields(_ headers: HTTPHeaders, to bytes: inout [UInt8]) {
        for (name, value) in headers where !framingFields.contains(where: name.equalsIgnoringASCIICase) {
            guard HTTPSyntax.isToken(name.utf8), value.utf8.allSatisfy(HTTPSyntax.isFieldValueByte) else { continue }
            appendField(name, value, to: &bytes)
        }
    }

    private static func appendField(_ name: String, _ value: String, to bytes: inout [UInt8]) {
        bytes += name.utf8
        bytes += ": ".utf8
        bytes += value.utf8
        bytes += HTTPSyntax.crlf
    }
}
