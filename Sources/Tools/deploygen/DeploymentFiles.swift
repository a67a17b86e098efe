import BikeShare
import Foundation
import Gifticon
import Hotel
import Musical
import Ticketing

/// Every system that is deployed (the chassis' demo is not), from its manifest and contexts.
enum Deployables {
    static func all() throws -> [DeployableSystem] {
        [
            try DeployableSystem(ticketing, ticketingContexts),
            try DeployableSystem(bikeshare, bikeshareContexts),
            try DeployableSystem(musical, musicalContexts),
            try DeployableSystem(gifticon, gifticonContexts),
            try DeployableSystem(hotel, hotelContexts),
        ]
    }
}

/// The generated files, by path relative to the repository's root.
struct DeploymentFiles {
    let contents: [String: String]
    /// Folders holding only generated files: a file there that is not generated is stale.
    static let generatedFolders = ["kubernetes", "compose"]

    init(systems: [DeployableSystem]) throws {
        var contents: [String: String] = [
            "docker-compose.yml": Compose.file(systems),
            "docker-compose.postgres.yml": Compose.postgresFile(systems),
            Compose.postgresInitPath: Compose.postgresInit(systems),
            Monitoring.rulesPath: Monitoring.rulesFile(),
        ].merging(Dashboards.provisioning()) { _, new in new }
        for system in systems {
            contents[Dashboards.dashboardPath(system)] = Dashboards.dashboard(system)
            contents[Monitoring.configPath(system)] = Monitoring.configFile(system)
            for (path, text) in Monitoring.kubernetesFiles(system) { contents["kubernetes/\(system.name)/monitoring/\(path)"] = text }
            for (path, text) in KubernetesBase.files(system) { contents["kubernetes/\(system.name)/base/\(path)"] = text }
            for (path, text) in KubernetesOverlays.files(system) { contents["kubernetes/\(system.name)/\(path)"] = text }
            contents.merge(try ContractFiles.files(system)) { _, new in new }
        }
        self.contents = contents
    }

    /// Paths whose file differs, is missing, or is left over in a generated folder.
    func differences(under root: URL) throws -> [String] {
        var paths = contents.keys.filter { path in
            (try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)) != contents[path]
        }
        paths += leftOvers(under: root)
        return paths.sorted()
    }

    func write(under root: URL) throws {
        for path in leftOvers(under: root) { try FileManager.default.removeItem(at: root.appendingPathComponent(path)) }
        for (path, text) in contents {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
    }

    private func leftOvers(under root: URL) -> [String] {
        Self.generatedFolders.flatMap { folder -> [String] in
            let base = root.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(atPath: base.path) else { return [] }
            return walker.compactMap { $0 as? String }.map { "\(folder)/\($0)" }.filter { path in
                var isDirectory: ObjCBool = false
                let exists = FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isDirectory)
                return exists && !isDirectory.boolValue && contents[path] == nil
            }
        }
    }
}
