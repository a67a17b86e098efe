import Chassis
import Foundation
import JSON

/// The contract documents: `contracts/<system>/asyncapi.json` and `openapi.json` as the code
/// gives them now, and the released ones under `contracts/<system>/released/<version>/`, which a
/// change is checked against.
enum ContractFiles {
    /// The generated documents, by path.
    static func files(_ system: DeployableSystem) throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try documents(system).map { ("\(EventContract.folder)/\(system.name)/\($0.name)", $0.text) })
    }

    /// Each document's file name and text.
    private static func documents(_ system: DeployableSystem) throws -> [(name: String, text: String)] {
        [(EventContract.fileName, try AsyncAPI.document(system).indentedText), (APIContract.fileName, try OpenAPI.document(system).indentedText)]
    }

    /// Each way the current documents break a consumer (`Compatibility`) or a client
    /// (`ClientCompatibility`), per system.
    static func breakingChanges(_ systems: [DeployableSystem], under root: URL) throws -> [String] {
        try systems.flatMap { system -> [String] in
            let versions = try releasedVersions(system, under: root)
            let released = try versions.map { version in
                try EventContract(contentsOf: root.appendingPathComponent(releasedPath(system, version)))
            }
            let lastAPI = try versions.last.map { version in
                (version, try APIContract(contentsOf: root.appendingPathComponent(releasedPath(system, version, APIContract.fileName))))
            }
            let changes = Compatibility.breakingChanges(from: released, to: EventContract(try AsyncAPI.document(system)))
                + ClientCompatibility.breakingChanges(from: lastAPI, to: APIContract(try OpenAPI.document(system)))
            return changes.map { "\(system.name): \($0)" }
        }
    }

    /// Keeps a copy of each system's current documents under its contract version. A version
    /// released before with other contents, or below the last released, must be bumped first,
    /// and then nothing is written. Returns the paths written.
    static func release(_ systems: [DeployableSystem], under root: URL) throws -> [String] {
        var new: [(path: String, text: String)] = []
        for system in systems {
            let version = system.manifest.contractVersion
            if let last = try releasedVersions(system, under: root).last, versionOrder(version, last) {
                throw ContractError("\(system.name): contractVersion \(version) is below \(last), the last released: bump it above")
            }
            // A version released before keeps exactly what it was released with: every document, unchanged.
            let documents = try documents(system)
            let existing = documents.map { try? String(contentsOf: root.appendingPathComponent(releasedPath(system, version, $0.name)), encoding: .utf8) }
            if existing.allSatisfy({ $0 == nil }) {
                new += documents.map { (releasedPath(system, version, $0.name), $0.text) }
            } else if zip(existing, documents).contains(where: { $0.0 != $0.1.text }) {
                throw ContractError("""
                    \(EventContract.folder)/\(system.name)/released/\(version) was released with other contents: bump contractVersion \
                    in the \(system.name) manifest, then release
                    """)
            }
        }
        for (path, text) in new {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return new.map(\.path)
    }

    private static func releasedPath(_ system: DeployableSystem, _ version: String, _ fileName: String = EventContract.fileName) -> String {
        "\(EventContract.folder)/\(system.name)/released/\(version)/\(fileName)"
    }

    /// The released versions, oldest first ("1.10.0" after "1.9.0").
    static func releasedVersions(_ system: DeployableSystem, under root: URL) throws -> [String] {
        let base = root.appendingPathComponent("\(EventContract.folder)/\(system.name)/released")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: base.appendingPathComponent("\($0)/\(EventContract.fileName)").path) }
            .sorted(by: versionOrder)
    }

    /// Whether version `a` comes before `b`, number by number ("1.9.0" before "1.10.0").
    static func versionOrder(_ a: String, _ b: String) -> Bool {
        func numbers(_ version: String) -> [Int] { version.split(separator: ".").map { Int($0) ?? 0 } }
        return numbers(a).lexicographicallyPrecedes(numbers(b))
    }
}
