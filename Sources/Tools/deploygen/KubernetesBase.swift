/// `kubernetes/<system>/base`: what every overlay of one system deploys — a namespace, a
/// Deployment and Service per context and for the gateway, autoscalers and disruption budgets
/// for what scales, a volume for what does not, the gateway's Ingress, the web console and a
/// KafkaTopic per topic.
enum KubernetesBase {
    /// The Secret (never committed with values) whose key `<context>` is a scaling context's DATABASE_URL.
    static let databaseSecret = "database-urls"
    /// Strimzi's bootstrap Service for the cluster named `Settings.kafkaCluster`, as the namespace's
    /// own pods reach it.
    static let bootstrap = bootstrap(in: nil)

    /// The same by its full name, for a client in another namespace (KEDA's operator).
    static func bootstrap(in namespace: String?) -> String {
        "\(Settings.kafkaCluster)-kafka-bootstrap\(namespace.map { ".\($0).svc" } ?? ""):9092"
    }

    static func files(_ system: DeployableSystem) -> [String: String] {
        var files: [String: String] = [:]
        let header = "\(Compose.header)\n\(system.name): \(system.manifest.contexts.count) contexts, the gateway and the web console, in namespace \(system.namespace)."
        var resources = ["namespace.yaml"]
        files["namespace.yaml"] = YAML.file([namespace(system)], comment: header)
        for context in system.contexts {
            files["\(context.name).yaml"] = YAML.file(objects(context, in: system), comment: header)
            resources.append("\(context.name).yaml")
        }
        files["gateway.yaml"] = YAML.file(gateway(system), comment: header)
        files["console.yaml"] = YAML.file(WebConsoleDeployment.kubernetesObjects(system), comment: header)
        files["topics.yaml"] = YAML.file(system.topics.map { topic($0, layout: .cluster) }, comment: header)
        resources += ["gateway.yaml", "console.yaml", "topics.yaml"]
        let config = ServiceEnvironment.kafka(bootstrap, layout: .cluster) + [
            ("SHUTDOWN_DELAY_MS", "\(Settings.shutdownDelayMs)"),
            ("SHUTDOWN_GRACE_SECONDS", "\(Settings.shutdownGraceSeconds)"),
        ]
        files["kustomization.yaml"] = YAML.file([KubernetesObjects.kustomization([
            ("namespace", .string(system.namespace)),
            ("resources", .list(resources.map { .string($0) })),
            ("configMapGenerator", [["name": "config", "literals": .list(config.map { .string("\($0.0)=\($0.1)") })]]),
        ])], comment: header)
        return files
    }

    private static func namespace(_ system: DeployableSystem) -> YAML {
        [
            "apiVersion": "v1", "kind": "Namespace",
            "metadata": [
                "name": .string(system.namespace),
                // Our pods meet "restricted"; Strimzi's and PostgreSQL's are held to "baseline".
                "labels": [
                    "pod-security.kubernetes.io/enforce": "baseline",
                    "pod-security.kubernetes.io/warn": "restricted",
                    "app.kubernetes.io/part-of": .string(system.name),
                ],
            ],
        ]
    }

    private static func objects(_ context: DeployableContext, in system: DeployableSystem) -> [YAML] {
        let name = context.name
        let scales = context.manifest.scales
        let claim = volumeClaim(context)
        let workload = KubernetesObjects.Workload(name: name, system: system.name, component: "service",
                                                  command: [context.manifest.executable], env: environment(context, in: system),
                                                  scales: scales, volumeClaim: claim)
        let deployment = KubernetesObjects.deployment(workload)
        let service = KubernetesObjects.service(name, system: system.name, component: "service")
        if let claim { return [KubernetesObjects.volumeClaim(claim, size: "1Gi"), deployment, service] }
        return [deployment, service, KubernetesObjects.autoscaler(name, minimum: Settings.minimumReplicas, maximum: Settings.partitions),
                KubernetesObjects.disruptionBudget(name)]
    }

    /// Where the contexts it calls answer, and its database: a Secret's URL when it scales, a
    /// file on its volume when it does not.
    static func environment(_ context: DeployableContext, in system: DeployableSystem) -> [YAML] {
        let database = context.manifest.scales
            ? KubernetesObjects.env("DATABASE_URL", secret: databaseSecret, key: context.name)
            : KubernetesObjects.env("DATABASE_PATH", ServiceEnvironment.sqlitePath(context))
        return ServiceEnvironment.of(context, in: system) { $0 }.map { KubernetesObjects.env($0.0, $0.1) } + [database]
    }

    /// The volume of a context on SQLite.
    static func volumeClaim(_ context: DeployableContext) -> String? {
        context.manifest.scales ? nil : "\(context.name)-data"
    }

    private static func gateway(_ system: DeployableSystem) -> [YAML] {
        let name = Settings.gatewayName
        let workload = KubernetesObjects.Workload(
            name: name, system: system.name, component: "gateway", command: ["gateway"],
            env: [KubernetesObjects.env("PORT", "\(Settings.containerPort)"),
                  KubernetesObjects.env("ROUTES", ServiceEnvironment.routes(system) { $0 }),
                  // Its clients are the Ingress controller, which sets X-Forwarded-Host and -Proto.
                  KubernetesObjects.env("TRUST_FORWARDED_HEADERS", "true")],
            scales: true, preStopSleepSeconds: Settings.shutdownDelayMs / 1000)
        return [
            KubernetesObjects.deployment(workload),
            KubernetesObjects.service(name, system: system.name, component: "gateway"),
            KubernetesObjects.autoscaler(name, minimum: Settings.minimumReplicas, maximum: Settings.gatewayMaximumReplicas),
            KubernetesObjects.disruptionBudget(name),
            [
                "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                "metadata": ["name": .string(name)],
                "spec": [
                    "ingressClassName": "nginx",
                    // One host per system: two Ingresses for "/" without a host clash in ingress-nginx.
                    "rules": [["host": .string(ingressHost(system)), "http": ["paths": [[
                        "path": "/", "pathType": "Prefix",
                        "backend": ["service": ["name": .string(name), "port": ["name": "http"]]],
                    ]]]]],
                ],
            ],
        ]
    }

    /// `ticketing.localhost`: *.localhost reaches the machine itself, where a local cluster's ingress listens.
    static func ingressHost(_ system: DeployableSystem) -> String { "\(system.namespace).localhost" }

    /// A Strimzi KafkaTopic: what the topic operator keeps the topic at.
    static func topic(_ name: String, layout: KafkaLayout) -> YAML {
        [
            "apiVersion": "kafka.strimzi.io/v1beta2", "kind": "KafkaTopic",
            "metadata": ["name": .string(name), "labels": ["strimzi.io/cluster": .string(Settings.kafkaCluster)]],
            "spec": [
                "partitions": .int(Settings.partitions),
                "replicas": .int(layout.replicationFactor),
                // The log is what views are rebuilt from: kept for ever.
                "config": ["min.insync.replicas": .int(layout.minInsyncReplicas), "retention.ms": -1],
            ],
        ]
    }
}
