import ChassisTesting
import Foundation
import Testing
import BikeShare

@Suite("docs/systems/bikeshare.md")
struct DocsTests {
    @Test("its table of executables, ports and resources is the manifest's")
    func table() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/systems/bikeshare.md"), encoding: .utf8)
        #expect(Conformance.documentedTable(of: bikeshare, in: text) == [])
    }
}
