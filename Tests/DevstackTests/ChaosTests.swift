import Foundation
import Storage
import Testing
import TestSupport

/// `chaos SYSTEM` against a devstack: a short seeded run per system in CI; `chaos SYSTEM --seconds
/// 600` runs as long as wanted (README, Chaos).
@Suite("Chaos", .serialized)
struct ChaosTests {
    private func chaos(_ stack: DevstackProcess, _ arguments: [String]) throws -> CommandRun {
        try CommandRun(try ProjectPaths.executable("chaos"), [stack.system, "--port-base", "\(stack.portBase)",
                                                                 "--state-dir", stack.directory.appendingPathComponent("state").path] + arguments,
                       timeout: .seconds(240))
    }

    @Test("services killed and frozen, the broker frozen, databases held busy, under load: nothing lost, nothing twice, every saga finished",
          arguments: ["ticketing", "bikeshare", "musical", "gifticon", "hotel"])
    func shortRun(system: String) throws {
        let stack = try DevstackProcess(system: system, broker: nil)
        try stack.waitUntilUp()
        let run = try chaos(stack, ["--seconds", "15", "--rate", "5", "--fault-every", "3", "--seed", "20261201", "--settle", "120"])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("every invariant held"), "\(run.stdout)")
        #expect(injected(run).values.reduce(0, +) > 0, "\(run.stdout)")
    }

    @Test("one broker of three cut off at a time, the partitions it leads and the groups it coordinates unreachable, and services killed, under load: nothing lost, nothing twice")
    func leaderDown() throws {
        let stack = try DevstackProcess(system: "ticketing", broker: nil, options: ["--broker", "mock"])
        try stack.waitUntilUp()
        // Settling within 40 s needs a lost request noticed sooner than librdkafka's default of 60 s.
        let run = try chaos(stack, ["--seconds", "15", "--rate", "5", "--fault-every", "3", "--seed", "20261202",
                                    "--faults", "leader-down,kill", "--settle", "40"])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("every invariant held"), "\(run.stdout)")
        #expect(injected(run)["leader-down", default: 0] > 0, "\(run.stdout)")
    }

    @Test("ticketing on PostgreSQL, show on 2 replicas: databases locked, PostgreSQL and services killed, under load: nothing lost, nothing twice")
    func onPostgreSQL() throws {
        let stack = try DevstackProcess(system: "ticketing", broker: nil,
                                        options: ["--database", "postgres", "--replicas", "show=2", "--ready-timeout", "120"])
        try stack.waitUntilUp(timeout: .seconds(150))
        let run = try chaos(stack, ["--seconds", "15", "--rate", "5", "--fault-every", "3", "--seed", "20261202",
                                    "--faults", "database-busy,kill", "--settle", "120"])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("every invariant held"), "\(run.stdout)")
        #expect(injected(run)["database-busy", default: 0] > 0, "\(run.stdout)")
    }

    /// Chaos's `faults: 2 kill, 1 leader-down` line, by kind.
    private func injected(_ run: CommandRun) -> [String: Int] {
        let line = run.stdout.split(separator: "\n").first { $0.hasPrefix("faults: ") } ?? ""
        return Dictionary(line.dropFirst("faults: ".count).split(separator: ",").compactMap { item in
            let parts = item.split(separator: " ")
            return parts.count == 2 ? Int(parts[0]).map { (String(parts[1]), $0) } : nil
        }, uniquingKeysWith: +)
    }

    /// As a defect would: every seat taken takes one more.
    static let leaks = [
        ("ticketing", "ticketing-show", """
            CREATE TRIGGER leak AFTER UPDATE OF remain_count ON shows WHEN NEW.remain_count < OLD.remain_count
            BEGIN UPDATE shows SET remain_count = NEW.remain_count - 1 WHERE id = NEW.id; END
            """, "seats left; "),
        ("musical", "musical-musical", """
            CREATE TRIGGER leak AFTER UPDATE OF reservable_seat ON musicals WHEN NEW.reservable_seat < OLD.reservable_seat
            BEGIN UPDATE musicals SET reservable_seat = NEW.reservable_seat - 1 WHERE id = NEW.id; END
            """, " left; "),
    ]

    @Test("a broken invariant is reported: stock that leaks a seat per booking makes chaos exit 1 and name it", arguments: leaks)
    func brokenInvariant(system: String, service: String, trigger: String, mention: String) throws {
        let stack = try DevstackProcess(system: system, broker: nil)
        try stack.waitUntilUp()
        let database = try Database(path: stack.directory.appendingPathComponent("state/\(service).sqlite").path, create: false)
        try database.write { c in try c.execute(trigger) }
        let run = try chaos(stack, ["--seconds", "3", "--rate", "2", "--fault-every", "1000", "--seed", "1", "--settle", "5"])
        #expect(run.status == 1, "\(run.stdout)")
        #expect(run.stdout.contains("NOT settled") && run.stdout.contains(mention), "\(run.stdout)")
    }

    @Test("bad usage is exit 2 with a message")
    func usage() throws {
        let chaos = try ProjectPaths.executable("chaos")
        let unknown = try CommandRun(chaos, ["library"], timeout: .seconds(10))
        #expect(unknown.status == 2 && unknown.stderr.contains("the systems with their invariants written down are bikeshare, gifticon, hotel, musical, ticketing"))
        let bad = try CommandRun(chaos, ["ticketing", "--rate", "fast"], timeout: .seconds(10))
        #expect(bad.status == 2 && bad.stderr.contains("--rate needs a positive whole number"))
        let kinds = try CommandRun(chaos, ["ticketing", "--faults", "kill,flood"], timeout: .seconds(10))
        #expect(kinds.status == 2 && kinds.stderr.contains("--faults takes fault kinds"))
    }
}
