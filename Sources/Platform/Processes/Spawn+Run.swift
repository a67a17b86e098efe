import Foundation
import Glibc

extension Spawn {
    /// Runs `executable` to completion (a short setup command: `initdb`, `createdb`) and returns
    /// how it ended with what it printed on stdout and stderr together.
    public static func run(_ executable: String, arguments: [String] = [], environment: [String: String]) throws -> (status: ExitStatus, output: String) {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("spawn-\(UUID().uuidString).out").path
        let fd = open(outputPath, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SpawnError(executable: executable, code: errno) }
        defer {
            close(fd)
            unlink(outputPath)
        }
        let pid = try start(executable, arguments: arguments, environment: environment, stdout: fd, stderr: fd)
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return (ExitStatus(waitStatus: raw), output)
    }
}
