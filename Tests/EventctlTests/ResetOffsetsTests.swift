import Foundation
import Kafka
import Testing
import TestSupport

@Suite("eventctl reset-offsets against a real broker", .serialized)
struct ResetOffsetsTests {
    /// A one-partition topic with records 0...9 and a stopped group whose committed offset is 5.
    private func groupAtFive(_ topic: String, group: String) throws -> TestBroker {
        let broker = try TestBroker()
        try broker.createTopics([TopicSpec(topic, partitions: 1)])
        for i in 0..<5 { try publish(broker, topic, data: "\(i)") }
        try consume(broker, group: group, topics: [topic], count: 5)
        for i in 5..<10 { try publish(broker, topic, data: "\(i)") }
        return broker
    }

    /// The NEW-OFFSET column of a plan table.
    private func newOffsets(_ run: CommandRun) -> [String] {
        run.rows.map { String($0.split(separator: " ", omittingEmptySubsequences: true).last!) }
    }

    @Test("without --execute nothing changes; with --execute --to-earliest a fresh member re-reads from offset 0")
    func dryRunThenExecute() throws {
        let broker = try groupAtFive("ticketing.show", group: "ticketing.dashboard")
        let plan = ["reset-offsets", "--group", "ticketing.dashboard", "--topic", "ticketing.show", "--to-earliest"]

        let dry = try eventctl(plan, broker: broker.bootstrapServers)
        #expect(dry.status == 0, "\(dry)")
        #expect(dry.stdout == """
            GROUP                TOPIC           PARTITION  CURRENT-OFFSET  NEW-OFFSET
            ticketing.dashboard  ticketing.show  0          5               0

            """)
        #expect(dry.stderr.contains("dry run: nothing changed"))
        #expect(try committed(broker, group: "ticketing.dashboard") == ["ticketing.show:0": 5])

        let done = try eventctl(plan + ["--execute"], broker: broker.bootstrapServers)
        #expect(done.status == 0, "\(done)")
        #expect(try committed(broker, group: "ticketing.dashboard") == ["ticketing.show:0": 0])
        let reread = try consume(broker, group: "ticketing.dashboard", topics: ["ticketing.show"], count: 1)
        #expect(reread.first?.offset == 0)
        #expect(reread.first.map { String(decoding: $0.value, as: UTF8.self) } == "0")
    }

    @Test("each target gives the documented offset, and one outside the log is clamped with a warning")
    func targets() throws {
        let broker = try TestBroker()
        try broker.createTopics([TopicSpec("bike.rental", partitions: 1)])
        for i in 0..<5 { try publish(broker, "bike.rental", data: "\(i)") }
        try consume(broker, group: "bike.view", topics: ["bike.rental"], count: 5)
        // Kafka timestamps have millisecond precision: leave a clear gap around the cut.
        Thread.sleep(forTimeInterval: 0.2)
        let cut = Date.now.ISO8601Format(.init(includingFractionalSeconds: true))
        Thread.sleep(forTimeInterval: 0.2)
        for i in 5..<10 { try publish(broker, "bike.rental", data: "\(i)") }

        let expected: [([String], String, String?)] = [
            (["--to-latest"], "10", nil),
            (["--to-offset", "3"], "3", nil),
            (["--to-offset", "99"], "10", "warning: bike.rental[0]: offset 99 is after the log end 10; using 10"),
            (["--shift-by", "-2"], "3", nil),
            (["--shift-by", "+2"], "7", nil),
            (["--shift-by", "-20"], "0", "warning: bike.rental[0]: offset -15 is before the log start 0; using 0"),
            (["--to-current"], "5", nil),
            (["--to-datetime", cut], "5", nil),
            (["--to-datetime", "2099-01-01T00:00:00Z"], "10", nil),
            (["--by-duration", "PT1H"], "0", nil),
        ]
        for (target, offset, warning) in expected {
            let run = try eventctl(["reset-offsets", "--group", "bike.view", "--all-topics"] + target, broker: broker.bootstrapServers)
            #expect(run.status == 0, "\(target): \(run)")
            #expect(newOffsets(run) == [offset], "\(target)")
            #expect(run.stderrLines.first { $0.hasPrefix("warning") }.map(String.init) == warning, "\(target)")
        }
        #expect(try committed(broker, group: "bike.view") == ["bike.rental:0": 5])

        // A time after the newest record plans the log end, whatever the broker answers (Tansu
        // answers offset 0: a replay of everything), and the plan says when it was corrected.
        Thread.sleep(forTimeInterval: 1.2)
        let afterNewest = Date.now.addingTimeInterval(-0.5).ISO8601Format(.init(includingFractionalSeconds: true))
        for target in [["--to-datetime", afterNewest], ["--by-duration", "PT1S"]] {
            let run = try eventctl(["reset-offsets", "--group", "bike.view", "--all-topics"] + target, broker: broker.bootstrapServers)
            #expect(run.status == 0, "\(target): \(run)")
            #expect(newOffsets(run) == ["10"], "\(target): \(run)")
            let warnings = run.stderrLines.filter { $0.hasPrefix("warning") }
            #expect(warnings.allSatisfy { $0.hasPrefix("warning: bike.rental[0]: the broker answered offset ") && $0.contains("planned 10,") },
                    "\(target): \(run)")
        }
    }

    @Test("--topic T:0,2 plans only those partitions, and a partition without a committed offset shows -")
    func partitionScope() throws {
        let broker = try TestBroker()
        try broker.createTopics([TopicSpec("hotel.order", partitions: 3)])
        try publish(broker, "hotel.order", partition: 0)
        try consume(broker, group: "hotel.payment", topics: ["hotel.order"], count: 1)
        let run = try eventctl(["reset-offsets", "--group", "hotel.payment", "--topic", "hotel.order:0,2", "--to-latest"],
                               broker: broker.bootstrapServers)
        #expect(run.status == 0, "\(run)")
        #expect(run.rows.map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) } == [
            ["hotel.payment", "hotel.order", "0", "1", "1"],
            ["hotel.payment", "hotel.order", "2", "-", "0"],
        ])
    }

    @Test("--export writes the plan as CSV that --from-file reads back and applies")
    func exportAndApply() throws {
        let broker = try groupAtFive("musical.reservation", group: "musical.notice")
        let export = try eventctl(["reset-offsets", "--group", "musical.notice", "--topic", "musical.reservation", "--shift-by", "-3", "--export"],
                                  broker: broker.bootstrapServers)
        #expect(export.status == 0, "\(export)")
        #expect(export.stdout == "musical.reservation,0,2\n")
        #expect(try committed(broker, group: "musical.notice") == ["musical.reservation:0": 5])

        let file = broker.directory.appendingPathComponent("plan.csv")
        try export.stdout.write(to: file, atomically: true, encoding: .utf8)
        let apply = try eventctl(["reset-offsets", "--group", "musical.notice", "--from-file", file.path, "--execute"],
                                 broker: broker.bootstrapServers)
        #expect(apply.status == 0, "\(apply)")
        #expect(apply.rows.map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) } == [
            ["musical.notice", "musical.reservation", "0", "5", "2"],
        ])
        #expect(try committed(broker, group: "musical.notice") == ["musical.reservation:0": 2])
    }

    @Test("--execute is refused while the group has an active member, with a message that says how to stop it")
    func refusedWhileActive() throws {
        let broker = try TestBroker()
        try broker.createTopics([TopicSpec("gift.cart", partitions: 1)])
        for _ in 0..<3 { try publish(broker, "gift.cart") }
        let member = try ActiveMember(broker, group: "gift.payment", topics: ["gift.cart"], committing: 3)
        let refused = try eventctl(["reset-offsets", "--group", "gift.payment", "--all-topics", "--to-earliest", "--execute"],
                                   broker: broker.bootstrapServers)
        let dry = try eventctl(["reset-offsets", "--group", "gift.payment", "--all-topics", "--to-earliest"], broker: broker.bootstrapServers)
        try member.leave()

        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stdout.isEmpty)
        #expect(refused.stderrLines.count == 1)
        #expect(refused.stderr.hasPrefix("eventctl: cannot reset offsets of group 'gift.payment' while it has 1 active member(s) (state Stable)"))
        #expect(refused.stderr.contains("stop every consumer of the group"))
        #expect(try committed(broker, group: "gift.payment") == ["gift.cart:0": 3])
        // The plan can still be looked at while the group runs.
        #expect(dry.status == 0, "\(dry)")
        #expect(dry.stderr.contains("--execute is refused until they stop"))
    }

    @Test("bad input gets one line on stderr and a non-zero exit, and changes nothing")
    func badInput() throws {
        let broker = try TestBroker()
        try broker.createTopics([TopicSpec("hotel.stay", partitions: 1)])
        for _ in 0..<2 { try publish(broker, "hotel.stay") }
        try consume(broker, group: "hotel.notification", topics: ["hotel.stay"], count: 2)
        let csv = broker.directory.appendingPathComponent("bad.csv")
        try "hotel.stay,0,0\nhotel.stay;0;1\n".write(to: csv, atomically: true, encoding: .utf8)

        let cases: [([String], Int32, String)] = [
            (["--topic", "hotel.stay", "--to-datetime", "2026-11-31T10:00:00"], 2, "eventctl: malformed date-time"),
            (["--topic", "hotel.stay", "--by-duration", "1 hour"], 2, "eventctl: malformed duration"),
            (["--topic", "hotel.stay", "--to-offset", "ten"], 2, "eventctl: --to-offset needs a number"),
            (["--topic", "hotel.stay", "--to-earliest", "--to-latest"], 2, "eventctl: choose one target"),
            (["--to-earliest"], 2, "eventctl: choose a scope"),
            (["--topic", "hotel.stay", "--to-earliest", "--force"], 2, "eventctl: unknown option --force"),
            (["--from-file", csv.path, "--execute"], 2, "eventctl: \(csv.path):2: expected TOPIC,PARTITION,OFFSET"),
            (["--topic", "hotel.nope", "--to-earliest", "--execute"], 1, "eventctl: topic 'hotel.nope' does not exist"),
            (["--topic", "hotel.stay:7", "--to-earliest", "--execute"], 1, "eventctl: topic 'hotel.stay' has no partition 7"),
        ]
        for (arguments, status, message) in cases {
            let run = try eventctl(["reset-offsets", "--group", "hotel.notification"] + arguments, broker: broker.bootstrapServers)
            #expect(run.status == status, "\(arguments): \(run)")
            #expect(run.stdout.isEmpty, "\(arguments)")
            #expect(run.stderrLines.count == 1, "\(arguments): \(run)")
            #expect(run.stderr.hasPrefix(message), "\(arguments): \(run)")
        }
        #expect(try committed(broker, group: "hotel.notification") == ["hotel.stay:0": 2])
    }

    @Test("an unknown group is refused")
    func unknownGroup() throws {
        let broker = try TestBroker()
        try broker.createTopics([TopicSpec("hotel.room", partitions: 1)])
        let run = try eventctl(["reset-offsets", "--group", "no.such.group", "--topic", "hotel.room", "--to-earliest", "--execute"],
                               broker: broker.bootstrapServers)
        #expect(run.status == 1)
        #expect(run.stderrLines == ["eventctl: consumer group 'no.such.group' does not exist (eventctl groups lists them)"])
        #expect(try committed(broker, group: "no.such.group").isEmpty)
    }
}
