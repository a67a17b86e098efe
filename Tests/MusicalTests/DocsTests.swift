import ChassisTesting
import Foundation
import Testing
import Musical

@Suite("docs/systems/musical.md")
struct DocsTests {
    @Test("its table of executables, ports and resources is the manifest's")
    func table() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/systems/musical.md"), encoding: .utf8)
        #expect(Conformance.documentedTable(of: musical, in: text) == [])
    }
}
