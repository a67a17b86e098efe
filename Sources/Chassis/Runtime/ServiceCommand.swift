import Foundation

/// What a service executable was asked to do by its arguments.
enum ServiceCommand: Equatable {
    /// No arguments: serve until SIGTERM.
    case serve
    /// Empty the declared view tables and the inbox, for a rebuild from the log.
    case resetView
    case help

    init(_ arguments: [String], service: String) throws(ConfigurationError) {
        switch arguments {
        case []: self = .serve
        case ["reset-view"]: self = .resetView
        case ["--help"], ["-h"], ["help"]: self = .help
        default:
            throw ConfigurationError(description: "unexpected argument '\(arguments.joined(separator: " "))'; \(service) --help says what it takes")
        }
    }

    static func usage(service: String, defaultPort: Int) -> String {
        """
        usage: \(service) [reset-view | --help]

          (nothing)     serve: HTTP on PORT (default \(defaultPort)), events through Kafka, state in DATABASE_PATH
          reset-view    empty the view this service builds from events, and its inbox, for a rebuild from
                        the log; refused while a service runs against DATABASE_PATH, when that file does
                        not exist, and for a service that keeps no view
          --help        this text

        Configured by environment variables: docs/chassis.md lists them, docs/<system>.md the
        context's own. Invalid configuration exits with status 2.
        """
    }
}
