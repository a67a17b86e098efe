/// One system, declared once: its bounded contexts in port order, the paths each serves, which
/// contexts each calls synchronously and which tables are views. The executables, devstack, the
/// gateway's routes and the test stacks all read it; nothing else names a port, route or URL.
///
///     public let ticketing = SystemManifest("ticketing", contexts: [
///         .init("booking", routes: ["/bookings"], calls: ["show"]),
///         .init("show", routes: ["/shows"]),
///     ], examples: [...])
public struct SystemManifest: Sendable {
    /// "ticketing": executables are `<system>-<context>`, topics and groups `<system>.<context>`.
    public let name: String
    /// In port order: the first on `portBase + 1`.
    public let contexts: [ContextManifest]
    /// The seed's commands, to print once the system is up; `{gateway}` stands for its port.
    public let examples: [String]
    /// The context whose stop and start devstack's hints name.
    public let exampleContext: String
    /// Its Kubernetes namespace: the seed's own name for the system where it gives one.
    public let namespace: String
    /// The version of its published language that its contract documents carry; releasing them
    /// keeps a copy under this version, which the compatibility check reads.
    public let contractVersion: String

    /// Services listen on 8081… by default, the gateway on 8088; 8089 is devstack's control port.
    public static let portBase = 8080
    public static let gatewayOffset = 8
    public static let controlOffset = 9
    /// devstack's web console (`devstack console`).
    public static let consoleOffset = 10

    public init(_ name: String, contexts: [ContextManifest.Declaration], examples: [String] = [], exampleContext: String? = nil,
                namespace: String? = nil, contractVersion: String = "1.0.0") {
        precondition(!contexts.isEmpty && contexts.count < Self.gatewayOffset, "\(name): 1 to \(Self.gatewayOffset - 1) contexts")
        self.name = name
        self.contexts = contexts.enumerated().map { index, declared in
            ContextManifest(system: name, declaration: declared, portOffset: index + 1)
        }
        self.examples = examples
        self.exampleContext = exampleContext ?? contexts[0].name
        self.namespace = namespace ?? name
        self.contractVersion = contractVersion
        let names = Set(self.contexts.map(\.name))
        for context in self.contexts {
            for called in context.calls { precondition(names.contains(called), "\(name)-\(context.name) calls unknown context \(called)") }
        }
        let prefixes = self.contexts.flatMap(\.routes)
        precondition(Set(prefixes).count == prefixes.count, "\(name): a route prefix is served by two contexts")
    }

    /// The context named `name`; a misspelt name is a programming error.
    public subscript(_ name: String) -> ContextManifest {
        guard let context = contexts.first(where: { $0.name == name }) else {
            preconditionFailure("\(self.name) has no context \(name) (it has \(contexts.map(\.name).joined(separator: ", ")))")
        }
        return context
    }

    /// The gateway's `ROUTES`, given where each context listens (context → `http://host:port`).
    public func gatewayRoutes(_ baseURLs: [String: String]) -> String {
        contexts.flatMap { context in context.routes.map { "\($0)=\(baseURLs[context.name]!)" } }.joined(separator: ",")
    }

    /// The variables that tell `context` where the contexts it calls listen (`SHOW_URL=…`).
    public func upstreamEnvironment(of context: String, _ baseURLs: [String: String]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: self[context].calls.map { (ContextManifest.urlVariable(of: $0), baseURLs[$0]!) })
    }
}

/// One bounded context of a system, as its manifest declares it.
public struct ContextManifest: Sendable {
    public let system: String
    public let name: String
    /// Its default port is `SystemManifest.portBase` plus this, its place in the manifest.
    public let portOffset: Int
    /// Gateway path prefixes this context serves ("/bookings").
    public let routes: [String]
    /// Contexts it calls synchronously; each one's base URL is `<CONTEXT>_URL`.
    public let calls: [String]
    /// Tables built only from consumed events, which `reset-view` empties for a rebuild.
    public let views: [String]
    /// Whether it runs as replicas under an autoscaler when deployed, and so keeps its state in
    /// PostgreSQL; the others run as one replica on SQLite.
    public let scales: Bool

    /// What a manifest writes for one context; its port comes from its place in the list.
    public struct Declaration: Sendable {
        let name: String, routes: [String], calls: [String], views: [String], scales: Bool
        public init(_ name: String, routes: [String], calls: [String] = [], views: [String] = [], scales: Bool = false) {
            (self.name, self.routes, self.calls, self.views, self.scales) = (name, routes, calls, views, scales)
        }
    }

    init(system: String, declaration: Declaration, portOffset: Int) {
        self.system = system
        name = declaration.name
        routes = declaration.routes
        calls = declaration.calls
        views = declaration.views
        scales = declaration.scales
        self.portOffset = portOffset
    }

    /// `<system>-<context>`: the executable, the CloudEvents source, the log's `service`.
    public var executable: String { "\(system)-\(name)" }
    /// `<system>.<context>`: the topic it publishes to and its consumer group.
    public var topic: String { "\(system).\(name)" }
    public var defaultPort: Int { SystemManifest.portBase + portOffset }
    /// `ticketing_show`: its database's name on a PostgreSQL server that several share.
    public var databaseName: String { executable.replacingOccurrences(of: "-", with: "_") }

    /// "SHOW_URL" for context "show".
    public static func urlVariable(of context: String) -> String { context.uppercased() + "_URL" }
}
