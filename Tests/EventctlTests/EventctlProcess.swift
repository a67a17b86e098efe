import TestSupport

/// Runs eventctl against `broker` (nil: no --bootstrap-server is added), without the test's own
/// KAFKA_BOOTSTRAP_SERVERS so that only the arguments name a broker.
func eventctl(_ arguments: [String], broker: String?, environment: [String: String] = [:],
              timeout: Duration = .seconds(60)) throws -> CommandRun {
    var env: [String: String?] = ["KAFKA_BOOTSTRAP_SERVERS": nil]
    for (key, value) in environment { env[key] = value }
    return try runTool("eventctl", arguments + (broker.map { ["--bootstrap-server", $0] } ?? []), environment: env, timeout: timeout)
}
