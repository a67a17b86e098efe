import ChassisTesting
import Foundation
import Testing
import Hotel

@Suite("docs/systems/hotel.md")
struct DocsTests {
    @Test("its table of executables, ports and resources is the manifest's")
    func table() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/systems/hotel.md"), encoding: .utf8)
        #expect(Conformance.documentedTable(of: hotel, in: text) == [])
    }
}
