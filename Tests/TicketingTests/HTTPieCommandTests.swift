@testable import ChassisTesting
import Testing

@Suite("The seeds' httpie commands, as the conformance suite reads them")
struct HTTPieCommandTests {
    @Test("method, path and fields; quoted values with spaces; flags; raw JSON; GET without fields")
    func parses() throws {
        let post = try HTTPieCommand(#"http -v post :{gateway}/books bookId=lotr title="The Lord" copies:=3"#)
        #expect(post.method == "POST" && post.path == "/books")
        #expect(post.fields?["title"] as? String == "The Lord" && post.fields?["copies"] as? Int == 3)
        let implicit = try HTTPieCommand("http :8081/tickets ticketType=1 ticketStatus='ReadyForPay'")
        #expect(implicit.method == "POST" && implicit.fields?["ticketStatus"] as? String == "ReadyForPay")
        #expect(try HTTPieCommand("http :{gateway}/showStatuses").method == "GET")
        #expect(throws: TesterError.self) { try HTTPieCommand(#"http post :8088/x a="open"#) }
    }
}
