import Chassis
import Foundation
import Testing
import Ticketing

@Suite("docs/systems/ticketing.md")
struct DocsTests {
    @Test("its table of executables, ports and resources is the manifest's")
    func table() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/systems/ticketing.md"), encoding: .utf8)
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("| `ticketing-") }.map { line in
            line.split(separator: "|").prefix(3).map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "`", with: "") }
        }
        #expect(rows == ticketing.contexts.map { [$0.executable, "\($0.defaultPort)", $0.routes.joined(separator: ", ")] })
    }
}
