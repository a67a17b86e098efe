import Foundation

// deploygen [--check | --release] [DIRECTORY]: writes docker-compose.yml,
// docker-compose.postgres.yml, compose/, kubernetes/ and each system's contracts/ under DIRECTORY
// (default: the current one) from the system manifests and contexts, then exits 1 if the events
// would break a consumer (Compatibility) or the HTTP API a client (ClientCompatibility). With --check, changes nothing and exits 1 when a file
// differs from what it would write too; with --release, once all that passed, keeps a copy of
// the contracts as released under each system's contract version.
var arguments = Array(CommandLine.arguments.dropFirst())
let mode = arguments.first.flatMap { ["--check", "--release"].contains($0) ? $0 : nil }
if mode != nil { arguments.removeFirst() }
guard arguments.count <= 1, !(arguments.first ?? "").hasPrefix("-") else {
    FileHandle.standardError.write(Data("usage: deploygen [--check | --release] [DIRECTORY]\n".utf8))
    exit(2)
}
let root = URL(fileURLWithPath: arguments.first ?? FileManager.default.currentDirectoryPath)

do {
    let systems = try Deployables.all()
    let files = try DeploymentFiles(systems: systems)
    if mode == "--check" {
        let stale = try files.differences(under: root)
        guard stale.isEmpty else {
            print("deploygen: these files are not what the manifests give; run scripts/deploygen:")
            for path in stale { print("  \(path)") }
            exit(1)
        }
        print("deploygen: \(files.contents.count) files match the manifests")
    } else {
        try files.write(under: root)
        print("deploygen: wrote \(files.contents.count) files under \(root.path)")
    }
    let breaking = try ContractFiles.breakingChanges(systems, under: root)
    guard breaking.isEmpty else {
        print("deploygen: these changes would break a consumer or a client; make them as README, Contracts says (a new event type, a new route, beside the old):")
        for change in breaking { print("  \(change)") }
        exit(1)
    }
    if mode == "--release" {
        let written = try ContractFiles.release(systems, under: root)
        print("deploygen: released \(written.isEmpty ? "nothing new" : written.joined(separator: ", "))")
    }
} catch {
    FileHandle.standardError.write(Data("deploygen: \(error)\n".utf8))
    exit(1)
}
