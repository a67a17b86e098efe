/// What devstack needs to know to run one system: its bounded contexts, how the gateway routes
/// to them and what to try once it is up.
struct SystemDefinition: Sendable {
    let name: String
    let services: [ServiceDefinition]
    /// Gateway path prefix → the context that serves it.
    let routes: [(prefix: String, context: String)]
    /// Commands to print once the system is up; `{gateway}` stands for the gateway's port.
    let examples: [String]
    /// The service the printed `devstack stop/start` examples name.
    let exampleContext: String

    func executable(of context: String) -> String { "\(name)-\(context)" }
}

/// One bounded context: executable `<system>-<context>`, publishing to topic `<system>.<context>`.
struct ServiceDefinition: Sendable {
    let context: String
    /// Its port is the port base plus this.
    let portOffset: Int
    /// Environment variable → the context whose URL it must hold (ISSUANCE_URL → issuance).
    let upstreams: [String: String]

    init(_ context: String, portOffset: Int, upstreams: [String: String] = [:]) {
        self.context = context
        self.portOffset = portOffset
        self.upstreams = upstreams
    }
}
