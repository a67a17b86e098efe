import Foundation
import JSON

/// A system's committed contract document, `contracts/<system>/<fileName>`: its events
/// (`EventContract`) or its HTTP API (`APIContract`).
public protocol ContractDocument: Sendable {
    static var fileName: String { get }
    init(_ document: JSONNode)
}

extension ContractDocument {
    /// `contracts/<system>/<fileName>`, relative to the repository's root.
    public static func path(of system: String) -> String { "\(EventContract.folder)/\(system)/\(fileName)" }

    /// Reads the document at `url`; an error names the file.
    public init(contentsOf url: URL) throws {
        do {
            self.init(try JSONNode(parsing: Array(try Data(contentsOf: url))))
        } catch {
            throw ContractViolation("\(url.path): \(error)")
        }
    }
}
