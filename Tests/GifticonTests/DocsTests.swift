import ChassisTesting
import Foundation
import Testing
import Gifticon

@Suite("docs/systems/gifticon.md")
struct DocsTests {
    @Test("its table of executables, ports and resources is the manifest's")
    func table() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/systems/gifticon.md"), encoding: .utf8)
        #expect(Conformance.documentedTable(of: gifticon, in: text) == [])
    }
}
