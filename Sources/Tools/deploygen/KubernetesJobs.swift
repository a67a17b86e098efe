/// `kubernetes/<system>/jobs`: rebuilding the system's view from the log in the cluster, as Jobs
/// created one at a time (`kubectl create -f`) with the services' image and security context,
/// once the view's Deployment is scaled to 0:
/// - `reset-view.yaml`: the view context's `reset-view` on its database (the view and its inbox emptied);
/// - `replay-plan.yaml`: eventctl's plan to move the view's consumer group to the earliest offsets;
/// - `replay.yaml`: the same, with `--execute`.
/// Each is a template: another group or command is another `args`.
enum KubernetesJobs {
    static func files(_ system: DeployableSystem) -> [String: String] {
        let context = system.contexts.first { !$0.manifest.views.isEmpty } ?? system.contexts[0]
        let group = context.manifest.topic
        let namespace = system.namespace
        let replay = ["eventctl", "reset-offsets", "--group", group, "--all-topics", "--to-earliest"]
        let kafka = [KubernetesObjects.env("KAFKA_BOOTSTRAP_SERVERS", KubernetesBase.bootstrap)]
        let comment = { (file: String, what: String) in
            "\(Compose.header)\n\(what)\n  kubectl -n \(namespace) create -f kubernetes/\(system.name)/jobs/\(file)\n"
                + "  kubectl -n \(namespace) logs job/<the name it printed>"
        }
        return [
            "reset-view.yaml": YAML.file([job("reset-view-", system, command: [context.manifest.executable, "reset-view"],
                                              env: KubernetesBase.environment(context, in: system),
                                              volumeClaim: KubernetesBase.volumeClaim(context))],
                                         comment: comment("reset-view.yaml", "Empties \(context.name)'s view and inbox for a rebuild; refused while \(context.name) runs (scale it to 0 first).")),
            "replay-plan.yaml": YAML.file([job("replay-plan-", system, command: replay, env: kafka, volumeClaim: nil)],
                                          comment: comment("replay-plan.yaml", "Shows the plan for \(group): every topic it reads back to the earliest offset. Changes nothing.")),
            "replay.yaml": YAML.file([job("replay-", system, command: replay + ["--execute"], env: kafka, volumeClaim: nil)],
                                     comment: comment("replay.yaml", "Moves \(group) back to the earliest offsets; refused while the group has members.")),
        ]
    }

    private static func job(_ prefix: String, _ system: DeployableSystem, command: [String], env: [YAML], volumeClaim: String?) -> YAML {
        let (mounts, volumes) = KubernetesObjects.volumes(claim: volumeClaim)
        return [
            "apiVersion": "batch/v1", "kind": "Job",
            "metadata": ["generateName": .string(prefix), "namespace": .string(system.namespace)],
            "spec": [
                "backoffLimit": 0,
                "ttlSecondsAfterFinished": 86400,
                "template": [
                    "metadata": ["labels": KubernetesObjects.labels("tools", system: system.name, component: "tool")],
                    "spec": [
                        "restartPolicy": "Never",
                        "automountServiceAccountToken": false,
                        "securityContext": KubernetesObjects.podSecurityContext,
                        "containers": [[
                            "name": .string(command[0]),
                            "image": .string(Settings.image),
                            "command": .list(command.map { .string($0) }),
                            "env": .list(env),
                            "resources": [
                                "requests": ["cpu": "50m", "memory": "32Mi"],
                                "limits": ["cpu": "500m", "memory": "128Mi"],
                            ],
                            "securityContext": KubernetesObjects.containerSecurityContext,
                            "volumeMounts": .list(mounts),
                        ]],
                        "volumes": .list(volumes),
                    ],
                ],
            ],
        ]
    }
}
