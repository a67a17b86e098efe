import Kafka

/// `eventctl groups`: every consumer group with its state and member count.
enum Groups {
    static let command = Command(
        words: ["groups"], synopsis: "[--json]",
        summary: "List every consumer group with its state and number of active members",
        details: """
            Columns: GROUP STATE MEMBERS. A group is listed as long as the broker keeps it: with members,
            or with committed offsets and no members (state Empty).

              --json  print a JSON array of {"group", "state", "members"} instead of the table
            """,
        options: ["--json": .flag], positionals: 0...0, run: run)

    struct Row: Encodable {
        let group: String
        let state: String
        let members: Int
    }

    static func run(_ invocation: Invocation) throws {
        let cluster = invocation.cluster
        let admin = try cluster.admin()
        let names = try admin.consumerGroups(timeout: cluster.timeout).map(\.name).sorted()
        // Listings carry no member count (and some brokers no state): describing gives both.
        let rows = try admin.describeConsumerGroups(names, timeout: cluster.timeout)
            .map { Row(group: $0.name, state: $0.state.rawValue, members: $0.members.count) }
            .sorted { $0.group < $1.group }
        if invocation.arguments.flag("--json") { return try Console.printJSON(rows) }
        guard !rows.isEmpty else { return Console.note("no consumer groups") }
        var table = Table("GROUP", "STATE", "MEMBERS")
        for row in rows { table.add(row.group, row.state, "\(row.members)") }
        print(table.text)
    }
}
