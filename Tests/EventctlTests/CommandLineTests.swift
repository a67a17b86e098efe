import Foundation
import Testing
import TestSupport

@Suite("eventctl's command line: help, usage errors and an unreachable broker")
struct CommandLineTests {
    static let commands = ["groups", "describe", "topics", "reset-offsets", "dlq list", "dlq replay", "trace", "tail"]

    @Test("--help explains every command and the exit codes, and each command has its own --help")
    func help() throws {
        let tool = try eventctl(["--help"], broker: nil)
        #expect(tool.status == 0)
        #expect(tool.stdout.contains("Exit codes:"))
        #expect(tool.stdout.contains("--bootstrap-server HOST:PORT"))
        for command in Self.commands {
            #expect(tool.stdout.contains("  \(command) "), "\(command)")
            let own = try eventctl(command.split(separator: " ").map(String.init) + ["--help"], broker: nil)
            #expect(own.status == 0, "\(command)")
            #expect(own.stdout.hasPrefix("Usage: eventctl \(command) "), "\(command)")
        }
        let family = try eventctl(["dlq", "--help"], broker: nil)
        #expect(family.status == 0, "\(family)")
        #expect(family.stdout.contains("  dlq list ") && family.stdout.contains("  dlq replay "), "\(family)")
    }

    @Test("an unknown command, an unknown option, a missing argument or a bad broker address is a usage error (exit 2)", arguments: [
        ["bogus"], ["dlq"], ["dlq", "lst", "--help"], ["groups", "--verbose"], ["describe"], ["describe", "a", "b"], ["trace"],
        ["groups", "--bootstrap-server", "localhost"], ["groups", "--timeout", "soon"], ["tail", "t", "--max-messages", "0"],
    ])
    func usageErrors(_ arguments: [String]) throws {
        let run = try eventctl(arguments, broker: nil)
        #expect(run.status == 2, "\(run)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderrLines.count == 1)
        #expect(run.stderr.hasPrefix("eventctl: "))
    }

    @Test("every command fails within --timeout with one clear line when no broker answers", arguments: [
        ["groups"], ["--command-config", "CONFIG", "groups"], ["describe", "g"], ["reset-offsets", "--group", "g", "--all-topics", "--to-earliest", "--execute"],
        ["dlq", "list"], ["dlq", "replay", "t.dlq.g", "--all", "--execute"], ["trace", "c-1"], ["tail", "t"],
    ])
    func unreachableBroker(_ arguments: [String]) throws {
        let port = try freePort()
        // Global options also work before the command; a config file's properties reach librdkafka.
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("eventctl-\(port).properties")
        try "# how long to wait for a socket\nsocket.timeout.ms = 1500\n".write(to: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: config) }
        let started = ContinuousClock.now
        let run = try eventctl(arguments.map { $0 == "CONFIG" ? config.path : $0 } + ["--timeout", "2s"],
                               broker: "127.0.0.1:\(port)", timeout: .seconds(20))
        #expect(ContinuousClock.now - started < .seconds(4))
        #expect(run.status == 1, "\(run)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderrLines.count == 1, "\(run)")
        #expect(run.stderr.hasPrefix("eventctl: no answer from Kafka at 127.0.0.1:\(port) within 2s"), "\(run)")
    }
}
