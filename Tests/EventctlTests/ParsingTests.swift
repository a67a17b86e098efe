import Foundation
import Testing
@testable import eventctl

@Suite("eventctl reads dates, durations, plans and options strictly")
struct ParsingTests {
    @Test("a date-time is read in UTC with Z, at an offset with ±HH:MM, and in local time without a zone")
    func dateTimes() throws {
        let utc = try TimeSyntax.dateTime("2026-11-21T10:00:00Z")
        #expect(utc.timeIntervalSince1970 == 1_795_255_200)
        #expect(try TimeSyntax.dateTime("2026-11-21T10:00:00.250Z").timeIntervalSince1970 == 1_795_255_200.25)
        #expect(try TimeSyntax.dateTime("2026-11-21T12:00:00+02:00") == utc)
        let local = try TimeSyntax.dateTime("2026-11-21T10:00:00")
        #expect(local.timeIntervalSince(utc) == -Double(TimeZone.current.secondsFromGMT(for: local)))
    }

    @Test("an impossible or mistyped date-time is a usage error", arguments: [
        "2026-02-30T10:00:00", "2026-13-01T10:00:00", "2026-11-21 10:00:00", "2026-11-21", "21.11.2026T10:00:00",
        "2026-11-21T25:00:00", "2026-11-21T10:00", "2026-11-21T10:00:00+2", "2026-11-21T10:00:00.Z", "yesterday",
    ])
    func badDateTimes(_ text: String) {
        #expect(throws: Failure.self) { try TimeSyntax.dateTime(text) }
    }

    @Test("ISO-8601 durations in days, hours, minutes and seconds are read")
    func durations() throws {
        #expect(try TimeSyntax.isoDuration("PT1H") == .seconds(3600))
        #expect(try TimeSyntax.isoDuration("PT30M") == .seconds(1800))
        #expect(try TimeSyntax.isoDuration("P1DT12H") == .seconds(129_600))
        #expect(try TimeSyntax.isoDuration("P2D") == .seconds(172_800))
        #expect(try TimeSyntax.isoDuration("PT1M0.5S") == .milliseconds(60_500))
        #expect(try TimeSyntax.isoDuration("pt15m") == .seconds(900))
    }

    @Test("a duration without P, without a unit, out of order, or in months is a usage error", arguments: [
        "1H", "PT", "P", "P1DT", "PT1", "PT1M1H", "P1M", "P1Y", "PT1.5H", "P1W", "-PT1H", "PT1H ",
    ])
    func badDurations(_ text: String) {
        #expect(throws: Failure.self) { try TimeSyntax.isoDuration(text) }
    }

    @Test("timeouts take s, ms and m, and a bare number is milliseconds as in Kafka's tools")
    func timeouts() throws {
        #expect(try TimeSyntax.timeoutMilliseconds("10s") == 10_000)
        #expect(try TimeSyntax.timeoutMilliseconds("500ms") == 500)
        #expect(try TimeSyntax.timeoutMilliseconds("1m") == 60_000)
        #expect(try TimeSyntax.timeoutMilliseconds("2500") == 2500)
        for bad in ["", "s", "0s", "-1s", "10 s", "1h", "+5"] {
            #expect(throws: Failure.self) { try TimeSyntax.timeoutMilliseconds(bad) }
        }
    }

    @Test("a plan file is read line by line and any bad line names its file and line number")
    func planFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("eventctl-plan-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func write(_ text: String) throws -> String {
            let path = directory.appendingPathComponent("plan.csv").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        let plan = try PlanCSV.read(write("a.b,0,5\r\n\na.b, 2 ,0\n"))
        #expect(plan.map { "\($0.topic) \($0.partition) \($0.offset)" } == ["a.b 0 5", "a.b 2 0"])
        #expect(PlanCSV.text(plan) == "a.b,0,5\na.b,2,0\n")

        for (text, line) in [("a.b,0,5\na.b,x,1\n", 2), ("a.b,0\n", 1), ("a.b,0,-1\n", 1), ("a.b,0,1,2\n", 1), ("a.b,0,1\na.b,0,2\n", 2)] {
            let path = try write(text)
            #expect { try PlanCSV.read(path) } throws: { error in
                (error as? Failure)?.message.hasPrefix("\(path):\(line):") == true && (error as? Failure)?.exitCode == 2
            }
        }
        #expect(throws: Failure.self) { try PlanCSV.read(write("\n\n")) }
    }

    @Test("options are read anywhere as --name value or --name=value, and an unknown one is a usage error")
    func options() throws {
        let arguments = try Arguments(["--topic", "t1", "G", "--shift-by", "-5", "--topic=t2:0,2", "--execute"],
                                      accepting: ["--topic": .value, "--shift-by": .value, "--execute": .flag])
        #expect(arguments.positionals == ["G"])
        #expect(arguments.values("--topic") == ["t1", "t2:0,2"])
        #expect(try arguments.value("--shift-by") == "-5")
        #expect(arguments.flag("--execute"))
        #expect(throws: Failure.self) { try arguments.value("--topic") }
        #expect(throws: Failure.self) { try Arguments(["--nope"], accepting: [:]) }
        #expect(throws: Failure.self) { try Arguments(["--topic"], accepting: ["--topic": .value]) }
        #expect(throws: Failure.self) { try Arguments(["--execute=yes"], accepting: ["--execute": .flag]) }
    }

    @Test("a reset needs exactly one target, and --by-duration counts back from now")
    func targets() throws {
        func target(_ words: [String]) throws -> ResetTarget {
            try ResetTarget(Arguments(words, accepting: ResetTarget.options), now: Date(timeIntervalSince1970: 7200))
        }
        guard case .time(let date) = try target(["--by-duration", "PT1H"]) else { Issue.record("not a time target"); return }
        #expect(date.timeIntervalSince1970 == 3600)
        guard case .shift(-3) = try target(["--shift-by", "-3"]) else { Issue.record("not a shift"); return }
        #expect(throws: Failure.self) { try target([]) }
        #expect(throws: Failure.self) { try target(["--to-earliest", "--to-latest"]) }
        #expect(throws: Failure.self) { try target(["--to-offset", "-1"]) }
        #expect(throws: Failure.self) { try target(["--shift-by", "+x"]) }
    }
}
