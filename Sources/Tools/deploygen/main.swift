import Foundation

// deploygen [--check] [DIRECTORY]: writes docker-compose.yml, docker-compose.postgres.yml,
// compose/ and kubernetes/ under DIRECTORY (default: the current one) from the system manifests;
// with --check, changes nothing and exits 1 when a file differs from what it would write.
var arguments = Array(CommandLine.arguments.dropFirst())
let check = arguments.first == "--check"
if check { arguments.removeFirst() }
guard arguments.count <= 1, !(arguments.first ?? "").hasPrefix("-") else {
    FileHandle.standardError.write(Data("usage: deploygen [--check] [DIRECTORY]\n".utf8))
    exit(2)
}
let root = URL(fileURLWithPath: arguments.first ?? FileManager.default.currentDirectoryPath)

do {
    let files = try DeploymentFiles(systems: try Deployables.all())
    if check {
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
} catch {
    FileHandle.standardError.write(Data("deploygen: \(error)\n".utf8))
    exit(1)
}
