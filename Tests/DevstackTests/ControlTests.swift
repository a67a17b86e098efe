import Foundation
import HTTP
import Testing
import TestSupport

@Suite("devstack status, stop and start", .serialized)
struct ControlTests {
    @Test("a stopped service stays stopped (the gateway answers 502) until start; a killed one is restarted")
    func stopStartRestart() throws {
        let broker = try TestBroker()
        let stack = try DevstackProcess(broker: broker)
        try stack.waitUntilUp()

        let stop = try stack.control(["stop", "demo-ledger"])
        #expect(stop.status == 0, "\(stop)")
        let stopped = try #require(try stack.status()["demo-ledger"])
        #expect(stopped.pid == nil && stopped.state == "stopped", "\(stopped)")
        #expect(try stack.gateway("POST", "/entries", json: ["account": "a", "amount": 1]).status == 502)
        // Longer than the first restart backoff: a stop on request is not a crash.
        Thread.sleep(forTimeInterval: 2)
        #expect(try stack.status()["demo-ledger"]?.state == "stopped")

        let start = try stack.control(["start", "demo-ledger"])
        #expect(start.status == 0, "\(start)")
        #expect(try stack.gateway("POST", "/entries", json: ["account": "a", "amount": 2]).status == 201)

        let killed = try #require(try stack.status()["demo-ledger"]?.pid)
        kill(killed, SIGKILL)
        try eventually("devstack restarts the killed demo-ledger", timeout: .seconds(30)) {
            guard let row = try stack.status()["demo-ledger"], let pid = row.pid else { return false }
            return pid != killed && row.state == "running" && row.restarts == 1
        }
        #expect(stack.process.log.contains("demo-ledger (pid \(killed)) exited unexpectedly (signal 9"), "\(stack.process.log)")
        try eventually("the restarted demo-ledger answers through the gateway", timeout: .seconds(30)) {
            try stack.gateway("POST", "/entries", json: ["account": "a", "amount": 3]).status == 201
        }

        let unknown = try stack.control(["stop", "demo-payment"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr == "devstack: unknown service 'demo-payment' (this devstack runs demo-ledger, gateway, console)\n")

        let pids = stack.reportedPIDs
        let (exit, took) = stack.interrupt(SIGTERM)
        #expect(exit == 0, "devstack exited \(exit.map(String.init) ?? "not at all") after \(took):\n\(stack.process.log)")
        #expect(pids.allSatisfy(isGone), "left running: \(pids.filter { !isGone($0) })")
    }
}
