import HTTP
import TestSupport
import Testing

@Suite("Expect: 100-continue")
struct ExpectContinueTests {
    @Test("100 Continue is sent when the body will be read, then the final response")
    func continueSent() throws {
        try withServer { _, port in
            let connection = try RawConnection(port: port)
            connection.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            let interim = try #require(connection.readResponse())
            #expect(interim.status == 100)
            connection.send("hello")
            let final = try #require(connection.readResponse())
            #expect(final.status == 200)
            #expect(final.text == "hello")
        }
    }

    @Test("no 100 Continue when the request is refused before its body: the refusal comes first")
    func continueWithheld() throws {
        try withServer { _, port in
            let connection = try RawConnection(port: port)
            connection.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 2000000\r\nExpect: 100-continue\r\n\r\n")
            let response = try #require(connection.readResponse())
            #expect(response.status == 413)
            #expect(response.headers["Connection"] == "close")
            #expect(connection.isClosedByServer())
        }
    }

    @Test("no 100 Continue when there is no body to read")
    func continueWithoutBody() throws {
        try withServer { _, port in
            let connection = try RawConnection(port: port)
            connection.send("GET / HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\n\r\n")
            let response = try #require(connection.readResponse())
            #expect(response.status == 200)
            #expect(response.text == "hello")
        }
    }
}
