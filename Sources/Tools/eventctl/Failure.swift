/// Why eventctl stopped before finishing. The case decides the exit code, so scripts can tell a
/// mistyped command line from a cluster that said no.
enum Failure: Error {
    /// The command line is wrong: unknown option, malformed date, duration or CSV. Exit 2.
    case usage(String)
    /// The command line is fine but the work cannot be done: broker unreachable, unknown group
    /// or topic, reset refused. Exit 1.
    case failed(String)

    var exitCode: Int32 {
        switch self {
        case .usage: 2
        case .failed: 1
        }
    }

    var message: String {
        switch self {
        case .usage(let text), .failed(let text): text
        }
    }
}
