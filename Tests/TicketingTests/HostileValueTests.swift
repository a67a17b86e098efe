import ChassisTesting
import Testing
@testable import Ticketing

@Suite("Hostile values, in process")
struct HostileValueTests {
    @Test("names built to inject SQL or break JSON are stored and answered as they came", arguments: [
        "Robert'); DROP TABLE shows;--", #"x", "showName": "injected"#, #"\"}],"_links":{}}"#, "a\u{0}b", "한글 😀 \u{2028}", "\\' OR 1=1 --",
    ])
    func intact(name: String) throws {
        let tester = try ContextTester(ShowContext.self)
        let created = try tester.request("POST", "/shows", ["showName": name, "totalCount": 5, "remainCount": 5])
        #expect(created.status == 201, "\(created)")
        #expect(try tester.request("GET", "/shows/1").decode(Show.self).showName == name)
        #expect(try tester.published(ShowRegistered.self).map(\.showName) == [name])
        #expect(try tester.query("SELECT id FROM shows").count == 1)
    }
}
