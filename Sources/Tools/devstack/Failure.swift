/// Why devstack stopped. The case decides the exit code, so scripts can tell a mistyped command
/// line from a stack that could not run.
enum Failure: Error {
    /// Unknown command or option, missing argument, malformed number. Exit 2, with the usage.
    case usage(String)
    /// A system or service devstack does not know. Exit 2; the message lists the known ones.
    case unknown(String)
    /// The command line is fine but the work cannot be done: no devstack running, port in use,
    /// executable missing, a service never ready. Exit 1.
    case failed(String)

    var exitCode: Int32 {
        switch self {
        case .usage, .unknown: 2
        case .failed: 1
        }
    }

    var message: String {
        switch self {
        case .usage(let text), .unknown(let text), .failed(let text): text
        }
    }
}
