/// The Kubernetes objects every workload is made of, in one shape: the labels, the restricted
/// security context, the probes, the autoscaler.
enum KubernetesObjects {
    static func labels(_ name: String, system: String, component: String) -> YAML {
        ["app.kubernetes.io/name": .string(name), "app.kubernetes.io/part-of": .string(system), "app.kubernetes.io/component": .string(component)]
    }

    static func selector(_ name: String) -> YAML { ["app.kubernetes.io/name": .string(name)] }

    /// One workload: `scales` says whether it runs as replicas (rolling, spread, no fixed count:
    /// its autoscaler sets it) or as one replica on a volume (recreated: the volume is one pod's).
    struct Workload {
        let name: String
        let system: String
        let component: String
        /// The executable and its arguments.
        let command: [String]
        let env: [YAML]
        let scales: Bool
        var volumeClaim: String?
        var preStopSleepSeconds: Int?
    }

    static func deployment(_ w: Workload) -> YAML {
        let (mounts, volumes) = self.volumes(claim: w.volumeClaim)
        var container: [(String, YAML)] = [
            ("name", .string(w.name)),
            ("image", .string(Settings.image)),
            ("imagePullPolicy", "IfNotPresent"),
            ("command", .list(w.command.map { .string($0) })),
            ("ports", [["name": "http", "containerPort": .int(Settings.containerPort)]]),
            ("envFrom", [["configMapRef": ["name": "config"]]]),
            ("env", .list(w.env)),
            // Migrations run before /healthz answers: up to two minutes.
            ("startupProbe", probe("/healthz", period: 2, failures: 60)),
            ("readinessProbe", probe("/readyz", period: 2, failures: 1)),
            ("livenessProbe", probe("/healthz", period: 10, failures: 3)),
            ("resources", [
                "requests": ["cpu": "100m", "memory": "64Mi"],
                // librdkafka prefetches up to 64 MiB per consumer while a replay reads a long log.
                "limits": ["cpu": "1", "memory": "512Mi"],
            ]),
            ("securityContext", containerSecurityContext),
            ("volumeMounts", .list(mounts)),
        ]
        if let seconds = w.preStopSleepSeconds {
            // It stops listening at SIGTERM; until then the endpoints have time to drop it.
            container.append(("lifecycle", ["preStop": ["exec": ["command": ["sleep", .string("\(seconds)")]]]]))
        }
        var pod: [(String, YAML)] = [
            ("terminationGracePeriodSeconds", .int(Settings.terminationGracePeriodSeconds)),
            ("automountServiceAccountToken", false),
            ("securityContext", podSecurityContext),
        ]
        if w.scales {
            pod.append(("topologySpreadConstraints", [[
                "maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "ScheduleAnyway",
                "labelSelector": ["matchLabels": selector(w.name)],
            ]]))
        }
        pod += [("containers", [.map(container)]), ("volumes", .list(volumes))]

        var spec: [(String, YAML)] = []
        if !w.scales { spec.append(("replicas", 1)) }
        spec += [
            ("revisionHistoryLimit", 5),
            ("selector", ["matchLabels": selector(w.name)]),
            ("strategy", w.scales
                ? ["type": "RollingUpdate", "rollingUpdate": ["maxUnavailable": 0, "maxSurge": 1]]
                : ["type": "Recreate"]),
            ("template", ["metadata": ["labels": labels(w.name, system: w.system, component: w.component)], "spec": .map(pod)]),
        ]
        return [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": ["name": .string(w.name), "labels": labels(w.name, system: w.system, component: w.component)],
            "spec": .map(spec),
        ]
    }

    /// A scratch /tmp (the root filesystem is read-only), and the data volume of a service on SQLite.
    static func volumes(claim: String?) -> (mounts: [YAML], volumes: [YAML]) {
        var mounts: [YAML] = [["name": "tmp", "mountPath": "/tmp"]]
        var volumes: [YAML] = [["name": "tmp", "emptyDir": ["sizeLimit": "64Mi"]]]
        if let claim {
            mounts.append(["name": "data", "mountPath": .string(Settings.dataDirectory)])
            volumes.append(["name": "data", "persistentVolumeClaim": ["claimName": .string(claim)]])
        }
        return (mounts, volumes)
    }

    /// Non-root (the image's user), no privilege escalation, no capabilities, the runtime's seccomp profile.
    static let podSecurityContext: YAML = [
        "runAsNonRoot": true, "runAsUser": 10001, "runAsGroup": 10001, "fsGroup": 10001,
        "seccompProfile": ["type": "RuntimeDefault"],
    ]

    /// What the container may do: nothing beyond running its process and writing its volumes.
    static let containerSecurityContext: YAML = [
        "allowPrivilegeEscalation": false,
        "readOnlyRootFilesystem": true,
        "capabilities": ["drop": ["ALL"]],
    ]

    static func probe(_ path: String, period: Int, failures: Int) -> YAML {
        ["httpGet": ["path": .string(path), "port": "http"], "periodSeconds": .int(period), "timeoutSeconds": 2, "failureThreshold": .int(failures)]
    }

    static func service(_ name: String, system: String, component: String,
                        port: (name: String, number: Int) = ("http", Settings.containerPort)) -> YAML {
        [
            "apiVersion": "v1", "kind": "Service",
            "metadata": ["name": .string(name), "labels": labels(name, system: system, component: component)],
            "spec": [
                "selector": selector(name),
                "ports": [["name": .string(port.name), "port": .int(port.number), "targetPort": .string(port.name)]],
            ],
        ]
    }

    /// On CPU, from `minimum` to `maximum`; it scales down one pod a minute after five quiet
    /// minutes, so a burst's end does not drop replicas that the next burst needs.
    static func autoscaler(_ name: String, minimum: Int, maximum: Int) -> YAML {
        [
            "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": ["name": .string(name)],
            "spec": [
                "scaleTargetRef": ["apiVersion": "apps/v1", "kind": "Deployment", "name": .string(name)],
                "minReplicas": .int(minimum),
                "maxReplicas": .int(maximum),
                "metrics": [["type": "Resource", "resource": ["name": "cpu", "target": ["type": "Utilization", "averageUtilization": 70]]]],
                "behavior": scalingBehavior,
            ],
        ]
    }

    static let scalingBehavior: YAML = [
        "scaleDown": ["stabilizationWindowSeconds": 300, "policies": [["type": "Pods", "value": 1, "periodSeconds": 60]]],
        "scaleUp": ["stabilizationWindowSeconds": 0, "policies": [["type": "Pods", "value": 2, "periodSeconds": 30]]],
    ]

    /// A voluntary disruption (a node drain) leaves at least one replica serving.
    static func disruptionBudget(_ name: String) -> YAML {
        [
            "apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": ["name": .string(name)],
            "spec": ["minAvailable": 1, "selector": ["matchLabels": selector(name)]],
        ]
    }

    static func volumeClaim(_ name: String, size: String) -> YAML {
        [
            "apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": ["name": .string(name)],
            "spec": ["accessModes": ["ReadWriteOnce"], "resources": ["requests": ["storage": .string(size)]]],
        ]
    }

    static func env(_ name: String, _ value: String) -> YAML { ["name": .string(name), "value": .string(value)] }

    static func env(_ name: String, secret: String, key: String) -> YAML {
        ["name": .string(name), "valueFrom": ["secretKeyRef": ["name": .string(secret), "key": .string(key)]]]
    }

    static func kustomization(_ pairs: [(String, YAML)]) -> YAML {
        .map([("apiVersion", "kustomize.config.k8s.io/v1beta1"), ("kind", "Kustomization")] + pairs)
    }
}
