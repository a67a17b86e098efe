import Chassis

/// A parsed command line.
struct Invocation {
    enum Command: Equatable {
        case up(system: String)
        case console(system: String)
        case stop(service: String)
        case start(service: String)
        case status
        case rollout(context: String)
        case help
    }

    var command: Command
    var portBase = SystemManifest.portBase
    var kafkaPort: Int?
    var controlPort: Int?
    var stateDirectory: String?
    /// How long `up` waits for every process to be ready.
    var readyTimeout = Duration.seconds(90)
    /// Where the services keep their state: SQLite files, or databases on a local PostgreSQL.
    var database = DatabaseChoice.sqlite
    /// Replicas per context name (`--replicas show=2,booking=3`); one when not given.
    var replicas: [String: Int] = [:]
    /// devstack's own broker: Tansu, or librdkafka's mock cluster (see `MockBrokers`).
    var broker = BrokerChoice.tansu

    enum DatabaseChoice: String { case sqlite, postgres }
    enum BrokerChoice: String { case tansu, mock }

    /// Only `up` starts anything, so only it takes the options that say how.
    private static let upOnly: Set = ["--kafka-port", "--state-dir", "--ready-timeout", "--database", "--replicas", "--broker"]
    private static let options = ["--port-base", "--kafka-port", "--control-port", "--state-dir", "--ready-timeout", "--database", "--replicas",
                                  "--broker"]

    init(parsing words: [String]) throws(Failure) {
        guard let first = words.first else { throw .usage("a command is required") }
        var positionals: [String] = []
        var given: [String: String] = [:]
        var rest = words.dropFirst()[...]
        while let word = rest.popFirst() {
            if ["-h", "--help"].contains(word) { command = .help; return }
            guard word.hasPrefix("--") else { positionals.append(word); continue }
            let name = String(word.prefix { $0 != "=" })
            guard Self.options.contains(name) else {
                throw .usage("unknown option \(name)")
            }
            if name.count < word.count {
                given[name] = String(word.dropFirst(name.count + 1))
            } else {
                guard let value = rest.popFirst() else { throw .usage("\(name) needs a value") }
                given[name] = value
            }
        }

        func one(_ what: String) throws(Failure) -> String {
            guard positionals.count == 1 else {
                throw .usage(positionals.isEmpty ? "devstack \(first) needs a \(what)" : "devstack \(first) takes one \(what)")
            }
            return positionals[0]
        }
        switch first {
        case "up": command = .up(system: try one("SYSTEM"))
        case "console": command = .console(system: try one("SYSTEM"))
        case "stop": command = .stop(service: try one("SERVICE"))
        case "start": command = .start(service: try one("SERVICE"))
        case "rollout": command = .rollout(context: try one("CONTEXT"))
        case "status":
            guard positionals.isEmpty else { throw .usage("devstack status takes no arguments") }
            command = .status
        case "help", "-h", "--help": command = .help; return
        default: throw .usage("unknown command '\(first)'")
        }
        if first != "up", let misplaced = given.keys.sorted().first(where: Self.upOnly.contains) {
            throw .usage("\(misplaced) is an option of devstack up")
        }

        // Ports up to the console's must exist.
        if let text = given["--port-base"] { portBase = try Self.port(text, "--port-base", max: 65535 - SystemManifest.consoleOffset) }
        if let text = given["--kafka-port"] { kafkaPort = try Self.port(text, "--kafka-port") }
        if let text = given["--control-port"] { controlPort = try Self.port(text, "--control-port") }
        stateDirectory = given["--state-dir"]
        if let text = given["--ready-timeout"] {
            guard text.allSatisfy({ ("0"..."9").contains($0) }), let seconds = Int(text), (1...3600).contains(seconds) else {
                throw .usage("--ready-timeout must be a number of seconds in 1...3600, not '\(text)'")
            }
            readyTimeout = .seconds(seconds)
        }
        if let text = given["--database"] {
            guard let choice = DatabaseChoice(rawValue: text) else { throw .usage("--database is sqlite or postgres, not '\(text)'") }
            database = choice
        }
        if let text = given["--broker"] {
            guard let choice = BrokerChoice(rawValue: text) else { throw .usage("--broker is tansu or mock, not '\(text)'") }
            guard choice == .tansu || kafkaPort == nil else { throw .usage("--kafka-port is Tansu's port; the mock cluster picks its own") }
            broker = choice
        }
        if let text = given["--replicas"] {
            for pair in text.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, !parts[0].isEmpty, parts[1].allSatisfy({ ("0"..."9").contains($0) }),
                      let count = Int(parts[1]), (1...Self.maxReplicas).contains(count) else {
                    throw .usage("--replicas takes CONTEXT=N pairs with N in 1...\(Self.maxReplicas), e.g. show=2,booking=3; not '\(pair)'")
                }
                replicas[parts[0]] = count
            }
        }
    }

    static let maxReplicas = 8

    /// The port devstack answers `status`, `stop` and `start` on.
    var resolvedControlPort: Int { controlPort ?? portBase + SystemManifest.controlOffset }

    private static func port(_ text: String, _ option: String, max: Int = 65535) throws(Failure) -> Int {
        guard text.allSatisfy({ ("0"..."9").contains($0) }), let value = Int(text), (1...max).contains(value) else {
            throw .usage("\(option) must be a port number in 1...\(max), not '\(text)'")
        }
        return value
    }
}
