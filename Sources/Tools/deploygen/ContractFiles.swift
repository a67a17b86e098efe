import Foundation
import JSON

/// The contract documents: `contracts/<system>/asyncapi.json` as the code gives it now, and the
/// released ones under `contracts/<system>/released/<version>/`, which a change is checked against.
enum ContractFiles {
    static let folder = "contracts"

    /// The generated documents, by path.
    static func files(_ system: DeployableSystem) throws -> [String: String] {
        ["\(folder)/\(system.name)/\(AsyncAPI.path)": try AsyncAPI.document(system).indentedText]
    }

    /// Each way the current documents break a consumer of the last released ones, per system.
    static func breakingChanges(_ systems: [DeployableSystem], under root: URL) throws -> [String] {
        try systems.flatMap { system -> [String] in
            guard let version = try releasedVersions(system, under: root).last else { return [] }
            let released = try document(at: root.appendingPathComponent(releasedPath(system, version)))
            return Compatibility.breakingChanges(from: released, to: try AsyncAPI.document(system)).map { "\(system.name): \($0)" }
        }
    }

    /// Keeps a copy of each system's current documents under its contract version; a version
    /// released before with other contents must be bumped first. Returns the paths written.
    static func release(_ systems: [DeployableSystem], under root: URL) throws -> [String] {
        var written: [String] = []
        for system in systems {
            let path = releasedPath(system, system.manifest.contractVersion)
            let url = root.appendingPathComponent(path)
            let text = try AsyncAPI.document(system).indentedText
            if let existing = try? String(contentsOf: url, encoding: .utf8) {
                guard existing == text else {
                    throw ContractError("""
                        \(path) was released with other contents: bump contractVersion in the \(system.name) manifest, then release
                        """)
                }
                continue
            }
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            written.append(path)
        }
        return written
    }

    private static func releasedPath(_ system: DeployableSystem, _ version: String) -> String {
        "\(folder)/\(system.name)/released/\(version)/\(AsyncAPI.path)"
    }

    /// The released versions, oldest first ("1.10.0" after "1.9.0").
    static func releasedVersions(_ system: DeployableSystem, under root: URL) throws -> [String] {
        let base = root.appendingPathComponent("\(folder)/\(system.name)/released")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: base.appendingPathComponent("\($0)/\(AsyncAPI.path)").path) }
            .sorted { $0.split(separator: ".").map { Int($0) ?? 0 }.lexicographicallyPrecedes($1.split(separator: ".").map { Int($0) ?? 0 }) }
    }

    private static func document(at url: URL) throws -> JSONNode {
        do {
            return try JSONNode(parsing: Array(try Data(contentsOf: url)))
        } catch {
            throw ContractError("\(url.path): \(error)")
        }
    }
}
