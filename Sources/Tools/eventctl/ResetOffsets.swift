import Foundation
import Kafka

/// `eventctl reset-offsets`: moves a stopped group's committed offsets, after showing the plan.
enum ResetOffsets {
    static let command = Command(
        words: ["reset-offsets"], synopsis: "--group GROUP SCOPE TARGET [--execute] [--export]",
        summary: "Plan, and with --execute apply, new committed offsets for a consumer group",
        details: """
            Prints the plan (GROUP TOPIC PARTITION CURRENT-OFFSET NEW-OFFSET). Nothing changes unless
            --execute is given, and --execute is refused while the group has active members: stop its
            consumers first. Targets outside the log are clamped to its start or end, with a warning.

            Scope (one of; not with --from-file, whose lines are the scope):
              --topic TOPIC            every partition of TOPIC; repeatable
              --topic TOPIC:0,2        only partitions 0 and 2 of TOPIC
              --all-topics             every partition of each topic the group has committed offsets for

            Target (exactly one):
              --to-earliest            the log start
              --to-latest              the log end (skip everything not yet read)
              --to-offset N            offset N
              --shift-by N             the current offset plus N (N may be negative)
              --to-datetime DATETIME   the first record at or after DATETIME, YYYY-MM-DDTHH:MM:SS[.fff],
                                       local time unless it ends in Z or ±HH:MM
              --by-duration DURATION   the first record at or after now minus DURATION (ISO-8601, PT1H, P1DT2H)
              --to-current             the current offset (with --export: save the group's position)
              --from-file FILE         the offsets in FILE, TOPIC,PARTITION,OFFSET lines (what --export writes)
            A partition without a committed offset counts as being at the log start, where this project's
            consumers begin (auto.offset.reset=earliest).

            Mode:
              --dry-run                only show the plan (the default)
              --execute                apply the plan
              --export                 print the plan as CSV (TOPIC,PARTITION,NEW-OFFSET) instead of a table,
                                       for --from-file: eventctl reset-offsets ... --export > plan.csv
            """,
        options: ResetTarget.options.merging([
            "--group": .value, "--topic": .value, "--all-topics": .flag, "--execute": .flag, "--dry-run": .flag, "--export": .flag,
        ]) { a, _ in a },
        positionals: 0...0, run: run)

    /// One line of the plan.
    struct Move {
        let topic: String
        let partition: Int32
        let current: Int64?
        let new: Int64

        var offset: TopicPartition { TopicPartition(topic, partition, offset: new) }
    }

    static func run(_ invocation: Invocation) throws {
        let arguments = invocation.arguments
        guard let name = try arguments.value("--group") else { throw Failure.usage("--group GROUP is required") }
        let target = try ResetTarget(arguments)
        let scope = try Scope(arguments, target: target)
        let execute = arguments.flag("--execute")
        guard !(execute && arguments.flag("--dry-run")) else { throw Failure.usage("--execute and --dry-run contradict each other") }

        let cluster = invocation.cluster
        let group = try cluster.group(name)
        let active = !group.members.isEmpty || group.state.isRebalancing
        // The broker also refuses offsets for a group with members; asking first gives the operator the way out.
        if execute && active {
            throw Failure.failed("""
                cannot reset offsets of group '\(name)' while it has \(group.members.count) active member(s) \
                (state \(group.state.rawValue)): stop every consumer of the group (stop the service or scale it to 0 replicas), \
                wait until 'eventctl describe \(name)' warns it has no active members, then run this again
                """)
        }
        let admin = try cluster.admin()
        let committed = try admin.committedOffsets(group: name, timeout: cluster.timeout)
        let parts = try scope.partitions(committed: committed, topics: cluster.topics(), cluster: cluster)
        let moves = try plan(parts, target: target, committed: committed, cluster: cluster)

        if arguments.flag("--export") {
            print(PlanCSV.text(moves.map(\.offset)), terminator: "")
        } else {
            var table = Table("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "NEW-OFFSET")
            for move in moves { table.add(name, move.topic, "\(move.partition)", move.current.map { "\($0)" } ?? "-", "\(move.new)") }
            print(table.text)
        }
        guard execute else {
            if active { Console.warn("group '\(name)' has \(group.members.count) active member(s): --execute is refused until they stop") }
            return Console.note("dry run: nothing changed; add --execute to apply this plan")
        }
        try admin.alterCommittedOffsets(group: name, moves.map(\.offset), timeout: cluster.timeout)
        Console.note("reset the offsets of group '\(name)' on \(moves.count) partition(s)")
    }

    /// The new offset of each partition, clamped into its log.
    private static func plan(_ parts: [TopicPartition], target: ResetTarget, committed: [TopicPartition], cluster: Cluster) throws -> [Move] {
        let admin = try cluster.admin()
        let current = Dictionary(committed.map { ($0.key, $0.offset) }) { a, _ in a }
        let planned = Dictionary(parts.map { ($0.key, $0.offset) }) { a, _ in a }
        var atTime: [TopicPartition: TimeLookup.Answer] = [:]
        if case .time(let date) = target {
            atTime = try TimeLookup(cluster: cluster, admin: admin).offsets(at: date, of: parts)
            for (part, answer) in atTime.sorted(by: { ($0.key.topic, $0.key.partition) < ($1.key.topic, $1.key.partition) }) {
                if let correction = answer.correction { Console.warn("\(part): \(correction)") }
            }
        }
        return try parts.map { part in
            let log = try admin.watermarks(part.topic, partition: part.partition, timeout: cluster.timeout)
            let now = current[part.key]
            let wanted: Int64 = switch target {
            case .earliest: log.low
            case .latest: log.high
            case .offset(let offset): offset
            case .shift(let shift): (now ?? log.low) + shift
            case .time: atTime[part.key]!.offset
            case .current: now ?? log.low
            case .file: planned[part.key]!
            }
            let new = min(max(wanted, log.low), log.high)
            if new != wanted {
                Console.warn("\(part.key): offset \(wanted) is \(wanted < log.low ? "before the log start" : "after the log end") \(new); using \(new)")
            }
            return Move(topic: part.topic, partition: part.partition, current: now, new: new)
        }
    }
}
