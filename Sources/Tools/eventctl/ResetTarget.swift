import Foundation
import Kafka

/// Where `reset-offsets` moves each partition: exactly one of the `--to-…`/`--shift-by`/
/// `--by-duration`/`--from-file` options, checked before anything talks to the broker.
enum ResetTarget {
    case earliest
    case latest
    case offset(Int64)
    case shift(Int64)
    /// The first record at or after this time (both `--to-datetime` and `--by-duration`).
    case time(Date)
    case current
    case file([TopicPartition])

    static let options: [String: Arguments.Kind] = [
        "--to-earliest": .flag, "--to-latest": .flag, "--to-offset": .value, "--shift-by": .value,
        "--to-datetime": .value, "--by-duration": .value, "--to-current": .flag, "--from-file": .value,
    ]

    init(_ arguments: Arguments, now: Date = Date()) throws(Failure) {
        let given = ResetTarget.options.keys.filter { arguments.flag($0) || !arguments.values($0).isEmpty }.sorted()
        guard given.count == 1, let option = given.first else {
            throw .usage(given.isEmpty ? "choose a target: \(ResetTarget.options.keys.sorted().joined(separator: ", "))"
                                       : "choose one target, not \(given.joined(separator: " and "))")
        }
        let value = try arguments.value(option) ?? ""
        switch option {
        case "--to-earliest": self = .earliest
        case "--to-latest": self = .latest
        case "--to-current": self = .current
        case "--to-offset":
            guard let offset = Int64(value), offset >= 0 else { throw .usage("--to-offset needs a number >= 0, got '\(value)'") }
            self = .offset(offset)
        case "--shift-by":
            guard let shift = Int64(value) else { throw .usage("--shift-by needs a whole number such as 5 or -5, got '\(value)'") }
            self = .shift(shift)
        case "--to-datetime": self = .time(try TimeSyntax.dateTime(value))
        case "--by-duration":
            let back = try TimeSyntax.isoDuration(value)
            self = .time(now.addingTimeInterval(-Double(back.components.seconds) - Double(back.components.attoseconds) / 1e18))
        default: self = .file(try PlanCSV.read(value))  // --from-file, the last one left
        }
    }
}
