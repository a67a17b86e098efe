/// `kubernetes/<system>/overlays`: `dev` (one Kafka broker, PostgreSQL in the namespace), `prod`
/// (three brokers, the release image, PostgreSQL given by a Secret) and `prod-keda` (prod, with
/// the consumers scaled on their group's lag by KEDA instead of CPU alone).
enum KubernetesOverlays {
    static func files(_ system: DeployableSystem) -> [String: String] {
        let header = Compose.header
        var files: [String: String] = [:]

        files["overlays/dev/kafka.yaml"] = YAML.file(kafka(.single), comment: header + "\nOne Kafka node (controller and broker), through Strimzi.")
        files["overlays/dev/postgres.yaml"] = YAML.file(postgres(system), comment: header
            + "\nOne PostgreSQL server for the services that scale, one database each. For development only: it trusts\nevery connection from inside the cluster.")
        files["overlays/dev/kustomization.yaml"] = YAML.file([KubernetesObjects.kustomization([
            ("namespace", .string(system.namespace)),
            ("resources", ["../../base", "kafka.yaml", "postgres.yaml"]),
            ("configMapGenerator", [["name": "config", "behavior": "merge", "literals": .list(
                ServiceEnvironment.kafka(KubernetesBase.bootstrap, layout: .single).map { .string("\($0.0)=\($0.1)") })]]),
            ("secretGenerator", [["name": .string(KubernetesBase.databaseSecret), "literals": .list(system.scalable.map {
                .string("\($0.name)=\(ServiceEnvironment.postgresURL($0))")
            })]]),
            ("patches", [
                ["target": ["kind": "KafkaTopic"], "patch": .block(jsonPatch([
                    ("/spec/replicas", KafkaLayout.single.replicationFactor),
                    ("/spec/config/min.insync.replicas", KafkaLayout.single.minInsyncReplicas),
                ]))],
                ["target": ["kind": "HorizontalPodAutoscaler"], "patch": .block(jsonPatch([("/spec/minReplicas", 1)]))],
                // With one replica, "keep one" would block every node drain.
                ["target": ["kind": "PodDisruptionBudget"],
                 "patch": .block("- op: remove\n  path: /spec/minAvailable\n- op: add\n  path: /spec/maxUnavailable\n  value: 1\n")],
            ]),
        ])], comment: header + "\ndev: one Kafka broker, PostgreSQL in the namespace, one replica of each service until load comes.")

        files["overlays/prod/kafka.yaml"] = YAML.file(kafka(.cluster), comment: header + "\nThree Kafka nodes (controllers and brokers), through Strimzi.")
        files["overlays/prod/kustomization.yaml"] = YAML.file([KubernetesObjects.kustomization([
            ("namespace", .string(system.namespace)),
            ("resources", ["../../base", "kafka.yaml"]),
            ("images", [["name": .string(imageName), "newName": .string(Settings.releaseImage.name), "newTag": .string(Settings.releaseImage.tag)]]),
        ])], comment: header + """

            prod: three Kafka brokers (replication 3, min.insync.replicas 2) and the release image.
            Create the Secret \(KubernetesBase.databaseSecret) first, one key per service that scales (\(system.scalable.map(\.name).joined(separator: ", "))),
            each a postgres:// URL of its own database.
            """)

        let consumers = system.scalable.filter { !$0.readTopics.isEmpty }
        files["overlays/prod-keda/scaledobjects.yaml"] = YAML.file(consumers.map { scaledObject($0, namespace: system.namespace) }, comment: header)
        files["overlays/prod-keda/kustomization.yaml"] = YAML.file([KubernetesObjects.kustomization([
            ("namespace", .string(system.namespace)),
            ("resources", ["../prod", "scaledobjects.yaml"]),
            // KEDA makes its own autoscaler for each; two on one Deployment would fight.
            ("patches", .list(consumers.map { context in
                ["target": ["kind": "HorizontalPodAutoscaler", "name": .string(context.name)],
                 "patch": .block("$patch: delete\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: \(context.name)\n")]
            })),
        ])], comment: header + "\nprod, with each consumer that scales driven by its consumer group's lag (KEDA) as well as CPU.")

        for (path, text) in KubernetesJobs.files(system) { files["jobs/\(path)"] = text }
        return files
    }

    private static let imageName = String(Settings.image.split(separator: ":")[0])

    private static func jsonPatch(_ operations: [(String, Int)]) -> String {
        operations.map { "- op: replace\n  path: \($0.0)\n  value: \($0.1)\n" }.joined()
    }

    // MARK: Kafka, through Strimzi

    private static func kafka(_ layout: KafkaLayout) -> [YAML] {
        [
            [
                "apiVersion": "kafka.strimzi.io/v1beta2", "kind": "Kafka",
                "metadata": ["name": .string(Settings.kafkaCluster),
                             "annotations": ["strimzi.io/node-pools": "enabled", "strimzi.io/kraft": "enabled"]],
                "spec": [
                    "kafka": [
                        "version": .string(Settings.strimziKafkaVersion),
                        "metadataVersion": .string(Settings.strimziMetadataVersion),
                        "listeners": [["name": "plain", "port": 9092, "type": "internal", "tls": false]],
                        "config": [
                            "offsets.topic.replication.factor": .int(layout.replicationFactor),
                            "transaction.state.log.replication.factor": .int(layout.replicationFactor),
                            "transaction.state.log.min.isr": .int(layout.minInsyncReplicas),
                            "default.replication.factor": .int(layout.replicationFactor),
                            "min.insync.replicas": .int(layout.minInsyncReplicas),
                            "auto.create.topics.enable": false,
                        ],
                    ],
                    "entityOperator": ["topicOperator": [:]],
                ],
            ],
            [
                "apiVersion": "kafka.strimzi.io/v1beta2", "kind": "KafkaNodePool",
                "metadata": ["name": "nodes", "labels": ["strimzi.io/cluster": .string(Settings.kafkaCluster)]],
                "spec": [
                    "replicas": .int(layout.brokers),
                    "roles": ["controller", "broker"],
                    "storage": ["type": "jbod", "volumes": [[
                        "id": 0, "type": "persistent-claim", "size": "20Gi", "deleteClaim": false, "kraftMetadata": "shared",
                    ]]],
                ],
            ],
        ]
    }

    /// Lag per partition above 50 events asks for another replica, up to one per partition.
    private static func scaledObject(_ context: DeployableContext, namespace: String) -> YAML {
        [
            "apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
            "metadata": ["name": .string(context.name)],
            "spec": [
                "scaleTargetRef": ["name": .string(context.name)],
                "minReplicaCount": .int(Settings.minimumReplicas),
                "maxReplicaCount": .int(Settings.partitions),
                "advanced": ["horizontalPodAutoscalerConfig": ["behavior": KubernetesObjects.scalingBehavior]],
                "triggers": [
                    ["type": "kafka", "metadata": [
                        // KEDA connects from its own namespace: the Service's full name.
                        "bootstrapServers": .string(KubernetesBase.bootstrap(in: namespace)),
                        "consumerGroup": .string(context.manifest.topic),
                        "lagThreshold": "50",
                        "offsetResetPolicy": "earliest",
                    ]],
                    ["type": "cpu", "metricType": "Utilization", "metadata": ["value": "70"]],
                ],
            ],
        ]
    }

    // MARK: PostgreSQL for dev

    private static func postgres(_ system: DeployableSystem) -> [YAML] {
        let name = Settings.postgresName
        let initSQL = ServiceEnvironment.createDatabases(system.contexts)
        return [
            ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "postgres-init"], "data": ["init.sql": .block(initSQL)]],
            KubernetesObjects.service(name, system: system.name, component: "database", port: ("postgres", 5432)),
            [
                "apiVersion": "apps/v1", "kind": "StatefulSet",
                "metadata": ["name": .string(name), "labels": KubernetesObjects.labels(name, system: system.name, component: "database")],
                "spec": [
                    "serviceName": .string(name),
                    "replicas": 1,
                    "selector": ["matchLabels": KubernetesObjects.selector(name)],
                    "template": [
                        "metadata": ["labels": KubernetesObjects.labels(name, system: system.name, component: "database")],
                        "spec": [
                            "automountServiceAccountToken": false,
                            "securityContext": [
                                "runAsNonRoot": true, "runAsUser": 999, "runAsGroup": 999, "fsGroup": 999,
                                "seccompProfile": ["type": "RuntimeDefault"],
                            ],
                            "containers": [[
                                "name": "postgres",
                                "image": .string(Settings.postgresImage),
                                "env": [
                                    KubernetesObjects.env("POSTGRES_HOST_AUTH_METHOD", "trust"),
                                    KubernetesObjects.env("PGDATA", "/var/lib/postgresql/data/pgdata"),
                                ],
                                "ports": [["name": "postgres", "containerPort": 5432]],
                                // Over TCP: during its first start the image runs a socket-only server to create the databases.
                                "readinessProbe": ["exec": ["command": ["pg_isready", "-h", "127.0.0.1", "-U", "postgres"]], "periodSeconds": 5],
                                "resources": [
                                    "requests": ["cpu": "250m", "memory": "256Mi"],
                                    "limits": ["cpu": "2", "memory": "1Gi"],
                                ],
                                "securityContext": KubernetesObjects.containerSecurityContext,
                                "volumeMounts": [
                                    ["name": "data", "mountPath": "/var/lib/postgresql/data"],
                                    ["name": "run", "mountPath": "/var/run/postgresql"],
                                    ["name": "tmp", "mountPath": "/tmp"],
                                    ["name": "init", "mountPath": "/docker-entrypoint-initdb.d", "readOnly": true],
                                ],
                            ]],
                            "volumes": [
                                ["name": "run", "emptyDir": [:]],
                                ["name": "tmp", "emptyDir": [:]],
                                ["name": "init", "configMap": ["name": "postgres-init"]],
                            ],
                        ],
                    ],
                    "volumeClaimTemplates": [[
                        "metadata": ["name": "data"],
                        "spec": ["accessModes": ["ReadWriteOnce"], "resources": ["requests": ["storage": "10Gi"]]],
                    ]],
                ],
            ],
        ]
    }
}
