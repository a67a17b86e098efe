import Foundation
import HTTP
import Testing
import TestSupport

@Suite("devstack command line", .serialized)
struct CommandLineTests {
    @Test("usage mistakes are one clear line plus the usage on stderr, exit 2",
          arguments: [
              ([], "devstack: a command is required"),
              (["launch"], "devstack: unknown command 'launch'"),
              (["up"], "devstack: devstack up needs a SYSTEM"),
              (["up", "demo", "--port-base", "eighty"], "devstack: --port-base must be a port number in 1...65525, not 'eighty'"),
              (["up", "demo", "--colour"], "devstack: unknown option --colour"),
              (["status", "--kafka-port", "9092"], "devstack: --kafka-port is an option of devstack up"),
              (["console"], "devstack: devstack console needs a SYSTEM"),
              (["console", "ticketing", "--replicas", "show=2"], "devstack: --replicas is an option of devstack up"),
          ])
    func usageErrors(arguments: [String], message: String) throws {
        let run = try CommandRun(try ProjectPaths.executable("devstack"), arguments, timeout: .seconds(10))

        #expect(run.status == 2)
        #expect(run.stderr.hasPrefix(message + "\n\nUsage:"), "\(run)")
        #expect(run.stdout.isEmpty)
    }

    @Test("an unknown system is named with the known ones, exit 2", arguments: ["up", "console"])
    func unknownSystem(command: String) throws {
        let run = try CommandRun(try ProjectPaths.executable("devstack"), [command, "airline"], timeout: .seconds(10))

        #expect(run.status == 2)
        #expect(run.stderr == "devstack: unknown system 'airline' (known: demo, ticketing, bikeshare, musical, gifticon, hotel)\n")
    }

    @Test("status, stop and start without a running devstack say so, exit 1", arguments: [["status"], ["stop", "demo-ledger"], ["start", "demo-ledger"]])
    func noDevstack(arguments: [String]) throws {
        let base = try freePortRun(9) - 1
        let run = try CommandRun(try ProjectPaths.executable("devstack"), arguments + ["--port-base", "\(base)"], timeout: .seconds(10))

        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("devstack: no devstack is running on 127.0.0.1:\(base + 9)"), "\(run)")
    }

    @Test("up refuses to start when one of its ports is taken, naming the port, exit 1")
    func portInUse() throws {
        let base = try freePortRun(9) - 1
        let squatter = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: base + 1)) { _ in .text("stale") }
        _ = try squatter.start()
        defer { _ = squatter.shutdown(gracePeriod: .seconds(1)) }

        let run = try CommandRun(try ProjectPaths.executable("devstack"), ["up", "demo", "--port-base", "\(base)"],
                                 environment: ["KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1"], timeout: .seconds(20))

        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("devstack: port \(base + 1) (demo-ledger) on 127.0.0.1 is in use"), "\(run)")
    }
}
