import Chassis

/// The environment a context's service gets wherever it is deployed, given how it reaches the
/// other contexts (`host(context)`) and the broker.
enum ServiceEnvironment {
    static func of(_ context: DeployableContext, in system: DeployableSystem, host: (String) -> String) -> [(String, String)] {
        let upstreams = system.manifest.upstreamEnvironment(of: context.name, baseURLs(system, host: host))
        return [("PORT", "\(Settings.containerPort)")] + upstreams.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The gateway's `ROUTES`.
    static func routes(_ system: DeployableSystem, host: (String) -> String) -> String {
        system.manifest.gatewayRoutes(baseURLs(system, host: host))
    }

    /// The web console's: where it listens (every interface: it runs in a container of its own)
    /// and each context's `<CONTEXT>_URL`, which it watches.
    static func console(_ system: DeployableSystem, host: (String) -> String) -> [(String, String)] {
        [("HOST", "0.0.0.0"), ("PORT", "\(Settings.containerPort)")]
            + baseURLs(system, host: host).sorted { $0.key < $1.key }.map { (ContextManifest.urlVariable(of: $0.key), $0.value) }
    }

    /// What every service shares: the broker, and the settings of the topics it creates.
    static func kafka(_ bootstrap: String, layout: KafkaLayout) -> [(String, String)] {
        [
            ("KAFKA_BOOTSTRAP_SERVERS", bootstrap),
            ("KAFKA_TOPIC_PARTITIONS", "\(Settings.partitions)"),
            ("KAFKA_TOPIC_REPLICATION_FACTOR", "\(layout.replicationFactor)"),
            ("KAFKA_TOPIC_MIN_INSYNC_REPLICAS", "\(layout.minInsyncReplicas)"),
        ]
    }

    /// Its database on the PostgreSQL server that compose's override and the dev overlay run
    /// beside the services, which trusts connections from them (no password).
    static func postgresURL(_ context: DeployableContext) -> String {
        "postgres://postgres@\(Settings.postgresName):5432/\(context.manifest.databaseName)"
    }

    /// One database per context that scales: run once by the PostgreSQL image on an empty data directory.
    static func createDatabases(_ contexts: [DeployableContext]) -> String {
        contexts.filter(\.manifest.scales).map { "CREATE DATABASE \($0.manifest.databaseName);\n" }.joined()
    }

    /// `/srv/data/ticketing-booking.sqlite`.
    static func sqlitePath(_ context: DeployableContext) -> String {
        "\(Settings.dataDirectory)/\(context.manifest.executable).sqlite"
    }

    private static func baseURLs(_ system: DeployableSystem, host: (String) -> String) -> [String: String] {
        Dictionary(uniqueKeysWithValues: system.contexts.map { ($0.name, "http://\(host($0.name)):\(Settings.containerPort)") })
    }
}
