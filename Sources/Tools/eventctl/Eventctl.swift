import Kafka

/// Finds the command a command line names, parses its options and runs it; turns every failure
/// into one line on stderr and an exit code.
enum Eventctl {
    static let commands: [Command] = [
        Groups.command, Describe.command, Topics.command, ResetOffsets.command, DeadLetterList.command, DeadLetterReplay.command,
        Trace.command, Tail.command,
    ]

    static let globalOptions: [String: Arguments.Kind] = [
        "--bootstrap-server": .value, "--timeout": .value, "--command-config": .value, "--help": .flag,
    ]

    static func run(_ commandLine: [String]) -> Int32 {
        var cluster: Cluster?
        let words = commandFirst(commandLine)
        do {
            guard let first = words.first, !["--help", "-h", "help"].contains(first) else {
                print(help)
                return 0
            }
            if let family = family(words), words.count > 1, ["--help", "-h"].contains(words[1]) {
                print(familyHelp(family))
                return 0
            }
            let command = try find(words)
            let arguments = try Arguments(Array(words.dropFirst(command.words.count)),
                                          accepting: globalOptions.merging(command.options) { global, _ in global })
            if arguments.flag("--help") {
                print(command.help)
                return 0
            }
            guard command.positionals.contains(arguments.positionals.count) else {
                throw Failure.usage("usage: eventctl \(command.name) \(command.synopsis)")
            }
            let connected = try Cluster(arguments)
            cluster = connected
            try command.run(Invocation(arguments: arguments, cluster: connected))
            return 0
        } catch let failure as Failure {
            Console.note("eventctl: \(oneLine(failure.message))")
            return failure.exitCode
        } catch let error as KafkaError {
            Console.note("eventctl: \(oneLine(cluster?.explain(error) ?? error.message))")
            return 1
        } catch {
            Console.note("eventctl: \(oneLine("\(error)"))")
            return 1
        }
    }

    /// The command whose words start the command line: `dlq replay`, not `dlq`.
    private static func find(_ words: [String]) throws(Failure) -> Command {
        if let command = commands.first(where: { words.starts(with: $0.words) }) { return command }
        if let family = family(words) {
            throw .usage("eventctl \(words[0]) needs one of: \(family.map { $0.words[1] }.joined(separator: ", ")) (eventctl \(words[0]) --help)")
        }
        throw .usage("unknown command '\(words[0])' (eventctl --help lists them)")
    }

    /// The commands under a first word that is not a command itself (`dlq`), when the line names no one of them.
    private static func family(_ words: [String]) -> [Command]? {
        guard !commands.contains(where: { words.starts(with: $0.words) }) else { return nil }
        let family = commands.filter { $0.words.count > 1 && $0.words[0] == words[0] }
        return family.isEmpty ? nil : family
    }

    private static func familyHelp(_ family: [Command]) -> String {
        """
        Usage: eventctl \(family[0].words[0]) COMMAND ...

        \(family.map { "  \($0.name) \($0.synopsis)\n      \($0.summary)" }.joined(separator: "\n"))

        eventctl \(family[0].words[0]) COMMAND --help explains one; eventctl --help gives the global options and exit codes.
        """
    }

    /// Global options may also come before the command, as in `eventctl --bootstrap-server b:9092 groups`:
    /// move them after it.
    private static func commandFirst(_ words: [String]) -> [String] {
        var leading: [String] = []
        var rest = words[...]
        while let word = rest.first, globalOptions[String(word.prefix { $0 != "=" })] == .value {
            leading.append(rest.removeFirst())
            if !word.contains("="), let value = rest.popFirst() { leading.append(value) }
        }
        return Array(rest) + leading
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    static var help: String {
        let list = commands.map { "  \($0.name) \($0.synopsis)\n      \($0.summary)" }
        return """
            eventctl: see and steer consumer groups and events on Kafka, in the manner of kafka-consumer-groups.sh.

            Usage: eventctl COMMAND [ARGUMENTS] [OPTIONS]

            Commands:
            \(list.joined(separator: "\n"))

            Global options:
              --bootstrap-server HOST:PORT  broker(s) to talk to (default: $KAFKA_BOOTSTRAP_SERVERS, else 127.0.0.1:9092)
              --timeout T                   how long to wait for each answer from the broker: 10s (default), 500ms,
                                            1m, or a number of milliseconds as in Kafka's tools
              --command-config FILE         extra librdkafka properties (key=value lines), e.g. security settings
              -h, --help                    this help; eventctl COMMAND --help explains one command

            Output: data (tables, CSV, JSON) goes to stdout; notes, warnings and errors go to stderr.
            Nothing changes on the cluster unless a command is given --execute.

            Exit codes:
              0  done
              1  the work could not be done: broker unreachable or not answering within the timeout, unknown
                 group or topic, reset refused while the group has active members, nothing matched (a replay
                 or trace that selects nothing; a listing that finds nothing exits 0)
              2  usage error: unknown command or option, missing or extra argument, malformed number, date,
                 duration or CSV line
            """
    }
}
