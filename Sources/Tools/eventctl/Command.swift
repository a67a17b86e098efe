/// One eventctl command: the words that name it, what it accepts, its help, and its work.
struct Command: Sendable {
    let words: [String]
    /// What follows the command's name in its usage line, e.g. `GROUP [--json]`.
    let synopsis: String
    let summary: String
    /// Options and notes, shown by `eventctl COMMAND --help`.
    let details: String
    let options: [String: Arguments.Kind]
    let positionals: ClosedRange<Int>
    let run: @Sendable (Invocation) throws -> Void

    var name: String { words.joined(separator: " ") }

    var help: String {
        """
        Usage: eventctl \(name) \(synopsis)

        \(summary).

        \(details)

        Global options (--bootstrap-server, --timeout, --command-config) and exit codes: eventctl --help
        """
    }
}

/// What a command gets to do its work.
struct Invocation {
    let arguments: Arguments
    let cluster: Cluster

    func positional(_ index: Int) -> String? {
        index < arguments.positionals.count ? arguments.positionals[index] : nil
    }
}
