@testable import deploygen
import Foundation
import Testing
import TestSupport

/// What the manifests say must be deployed, checked against what Kubernetes and docker-compose
/// would actually read: each overlay as `kubectl kustomize` renders it, and the compose files.
@Suite("deployment files", .serialized)
struct DeploymentTests {
    static let overlays = ["dev", "prod", "prod-keda"]

    @Test("the committed compose files, kubernetes/ and contracts/ are what the manifests and contexts give now")
    func committedFilesAreCurrent() throws {
        let files = try DeploymentFiles(systems: try Deployables.all())
        let stale = try files.differences(under: ProjectPaths.root)
        #expect(stale.isEmpty, "run scripts/deploygen: \(stale)")
    }

    @Test("scripts/check-deployment passes: kubectl kustomize, kubernetes-validate --strict, yamllint, docker-compose config, hadolint")
    func toolsAccept() throws {
        let run = try CommandRun(ProjectPaths.root.appendingPathComponent("scripts/check-deployment").path, [], timeout: .seconds(300))
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("hadolint: no warning"), "\(run)")
    }

    @Test("every overlay deploys each context as its manifest says", arguments: overlays)
    func overlayDeploysTheManifests(overlay: String) throws {
        var hosts: [String] = []
        for system in try Deployables.all() {
            let rendered = try RenderedObjects.overlay("kubernetes/\(system.name)/overlays/\(overlay)")
            hosts.append(try checkKubernetes(rendered, system, overlay: overlay))
        }
        // Two Ingresses of one path and no host clash in one cluster.
        #expect(Set(hosts).count == hosts.count, "\(hosts)")
    }

    @Test("docker-compose runs each system under its profile, as its manifest says")
    func composeDeploysTheManifests() throws {
        let compose = try RenderedObjects.file("docker-compose.yml").objects[0]
        let postgres = try RenderedObjects.file("docker-compose.postgres.yml").objects[0]
        for system in try Deployables.all() {
            try checkCompose(compose, postgres: postgres, system)
        }
    }

    // MARK: Kubernetes

    /// Returns the host of the system's Ingress.
    private func checkKubernetes(_ rendered: RenderedObjects, _ system: DeployableSystem, overlay: String) throws -> String {
        let where_ = "\(system.name)/\(overlay)"
        let layout: KafkaLayout = overlay == "dev" ? .single : .cluster
        #expect(rendered.objects.allSatisfy { $0["kind"] as? String == "Namespace" || $0.at("metadata.namespace") as? String == system.namespace },
                "\(where_): every object in namespace \(system.namespace)")

        // Topics: every one the services create, with the partitions the autoscalers count on,
        // replicated as the services' own settings say.
        let config = try #require(rendered.all("ConfigMap").first { ($0["data"] as? [String: String])?["KAFKA_BOOTSTRAP_SERVERS"] != nil },
                                  "\(where_): the services' ConfigMap")
        let settings = config["data"] as? [String: String] ?? [:]
        #expect(settings["KAFKA_TOPIC_REPLICATION_FACTOR"] == "\(layout.replicationFactor)", "\(where_)")
        #expect(settings["KAFKA_TOPIC_MIN_INSYNC_REPLICAS"] == "\(layout.minInsyncReplicas)", "\(where_)")
        var partitions: [String: Int] = [:]
        for topic in system.topics {
            let object = try #require(rendered.named("KafkaTopic", topic), "\(where_): KafkaTopic \(topic)")
            partitions[topic] = object.at("spec.partitions") as? Int
            #expect(object.at("spec.replicas") as? Int == layout.replicationFactor, "\(where_): \(topic)")
            #expect(object.at(["spec", "config", "min.insync.replicas"]) as? Int == layout.minInsyncReplicas, "\(where_): \(topic)")
            #expect(settings["KAFKA_TOPIC_PARTITIONS"] == "\(partitions[topic] ?? -1)", "\(where_): \(topic)")
        }
        let brokers = rendered.all("KafkaNodePool").compactMap { $0.at("spec.replicas") as? Int }.reduce(0, +)
        #expect(brokers == layout.brokers, "\(where_)")

        for context in system.contexts {
            let name = context.name
            let deployment = try #require(rendered.named("Deployment", name), "\(where_): Deployment \(name)")
            let pod = try #require(deployment.at("spec.template.spec") as? [String: Any])
            let container = try #require((pod["containers"] as? [[String: Any]])?.first)
            #expect(container["command"] as? [String] == [context.manifest.executable], "\(where_): \(name)")
            try checkWorkload(deployment, rendered, where_: "\(where_): \(name)")

            // What it calls is where that context's Service answers.
            let env = environment(container)
            for called in context.manifest.calls {
                #expect(env["\(called.uppercased())_URL"] == "http://\(called):8080", "\(where_): \(name) → \(called)")
            }
            let service = try #require(rendered.named("Service", name), "\(where_): Service \(name)")
            #expect((service.at("spec.ports") as? [[String: Any]])?.first?["port"] as? Int == 8080, "\(where_): \(name)")

            if context.manifest.scales {
                #expect(deployment.at("spec.replicas") == nil, "\(where_): \(name)'s autoscaler sets its replicas")
                #expect(deployment.at("spec.strategy.rollingUpdate.maxUnavailable") as? Int == 0, "\(where_): \(name)")
                let database = try #require(env["DATABASE_URL"], "\(where_): \(name) on PostgreSQL")
                try checkSecret(database, key: name, rendered, overlay: overlay, where_: "\(where_): \(name)")
                // Never more replicas than partitions to share among them.
                let ceiling = context.readTopics.compactMap { partitions[$0] }.min() ?? Int.max
                let scaler = rendered.named("ScaledObject", name) ?? rendered.named("HorizontalPodAutoscaler", "\(name)")
                let maximum = try #require(scaler?.at("spec.maxReplicas") as? Int ?? scaler?.at("spec.maxReplicaCount") as? Int,
                                           "\(where_): \(name) has an autoscaler")
                #expect(maximum <= ceiling && maximum >= 1, "\(where_): \(name) scales to \(maximum), \(ceiling) partitions")
                checkDrain(name, rendered, where_: where_)
                if overlay == "prod-keda" && !context.readTopics.isEmpty {
                    #expect(rendered.named("HorizontalPodAutoscaler", name) == nil, "\(where_): \(name): KEDA's autoscaler only")
                    let trigger = (rendered.named("ScaledObject", name)?.at("spec.triggers") as? [[String: Any]])?.first { $0["type"] as? String == "kafka" }
                    #expect(trigger?.at("metadata.consumerGroup") as? String == context.manifest.topic, "\(where_): \(name)")
                }
            } else {
                #expect(deployment.at("spec.replicas") as? Int == 1, "\(where_): \(name)")
                #expect(env["DATABASE_PATH"]?.hasPrefix("/srv/data/") == true, "\(where_): \(name) on SQLite")
                let claim = (pod["volumes"] as? [[String: Any]])?.compactMap { $0.at("persistentVolumeClaim.claimName") as? String }.first
                #expect(claim.flatMap { rendered.named("PersistentVolumeClaim", $0) } != nil, "\(where_): \(name)'s volume")
            }
        }

        // The gateway: every route prefix to the Service of the context that serves it, behind an Ingress.
        let gateway = try #require(rendered.named("Deployment", "gateway"), "\(where_): the gateway")
        try checkWorkload(gateway, rendered, where_: "\(where_): gateway")
        let container = try #require((gateway.at("spec.template.spec.containers") as? [[String: Any]])?.first)
        let routes = Set((environment(container)["ROUTES"] ?? "").split(separator: ",").map(String.init))
        let expected = Set(system.contexts.flatMap { context in context.manifest.routes.map { "\($0)=http://\(context.name):8080" } })
        #expect(routes == expected, "\(where_)")
        checkDrain("gateway", rendered, where_: where_)
        let ingress = try #require(rendered.named("Ingress", "gateway"), "\(where_)")
        let rule = try #require((ingress.at("spec.rules") as? [[String: Any]])?.first, "\(where_)")
        #expect((rule.at("http.paths") as? [[String: Any]])?.first?.at("backend.service.name") as? String == "gateway", "\(where_)")
        #expect(rendered.named("Service", "gateway") != nil, "\(where_)")
        try checkConsole(rendered, system, where_: where_)
        return try #require(rule["host"] as? String, "\(where_): the Ingress names its host")
    }

    /// One replica of the web console watching every context where its Service answers, behind
    /// no Ingress.
    private func checkConsole(_ rendered: RenderedObjects, _ system: DeployableSystem, where_: String) throws {
        let console = try #require(rendered.named("Deployment", "console"), "\(where_): the web console")
        try checkWorkload(console, rendered, where_: "\(where_): console", drains: false)
        #expect(console.at("spec.replicas") as? Int == 1, "\(where_): its live stream's ids are one process's")
        let container = try #require((console.at("spec.template.spec.containers") as? [[String: Any]])?.first)
        #expect(container["command"] as? [String] == ["devstack", "console", system.name], "\(where_)")
        let env = environment(container)
        #expect(env["HOST"] == "0.0.0.0" && env["PORT"] == "8080", "\(where_): it listens beyond the pod's loopback")
        for context in system.contexts {
            #expect(env["\(context.name.uppercased())_URL"] == "http://\(context.name):8080", "\(where_): console → \(context.name)")
        }
        #expect(rendered.named("Service", "console") != nil, "\(where_)")
        let backends = rendered.all("Ingress").flatMap { ($0.at("spec.rules") as? [[String: Any]]) ?? [] }
            .flatMap { ($0.at("http.paths") as? [[String: Any]]) ?? [] }.compactMap { $0.at("backend.service.name") as? String }
        #expect(!backends.contains("console"), "\(where_): the console is reached by port-forward only")
    }

    /// Probes, a restricted security context, resources, configuration that resolves to objects
    /// that exist and gives the broker, and, for what `drains` at SIGTERM (the services and the
    /// gateway), a grace period longer than the drain.
    private func checkWorkload(_ deployment: [String: Any], _ rendered: RenderedObjects, where_: String, drains: Bool = true) throws {
        let pod = try #require(deployment.at("spec.template.spec") as? [String: Any])
        let container = try #require((pod["containers"] as? [[String: Any]])?.first)
        #expect(container.at("readinessProbe.httpGet.path") as? String == "/readyz", "\(where_)")
        #expect(container.at("livenessProbe.httpGet.path") as? String == "/healthz", "\(where_)")
        #expect(container.at("startupProbe.httpGet.path") as? String == "/healthz", "\(where_)")
        #expect(container.at("resources.requests.cpu") != nil && container.at("resources.limits.memory") != nil, "\(where_)")
        #expect(pod.at("securityContext.runAsNonRoot") as? Bool == true, "\(where_)")
        #expect(container.at("securityContext.readOnlyRootFilesystem") as? Bool == true, "\(where_)")
        #expect(container.at("securityContext.allowPrivilegeEscalation") as? Bool == false, "\(where_)")
        #expect(container.at("securityContext.capabilities.drop") as? [String] == ["ALL"], "\(where_)")
        let grace = try #require(pod["terminationGracePeriodSeconds"] as? Int, "\(where_)")
        let configName = try #require((container["envFrom"] as? [[String: Any]])?.first?.at("configMapRef.name") as? String, "\(where_)")
        let config = try #require(rendered.named("ConfigMap", configName), "\(where_): ConfigMap \(configName) exists")
        let settings = config["data"] as? [String: String] ?? [:]
        #expect(settings["KAFKA_BOOTSTRAP_SERVERS"] == KubernetesBase.bootstrap, "\(where_)")
        guard drains else { return }
        // The delay (readiness failing first) is part of the service's own grace period.
        let delay = Int(settings["SHUTDOWN_DELAY_MS"] ?? "") ?? 0, drain = Int(settings["SHUTDOWN_GRACE_SECONDS"] ?? "") ?? 0
        #expect(delay > 0 && delay < drain * 1000 && grace > drain, "\(where_): grace \(grace) s covers the drain \(drain) s")
    }

    /// A drain must be able to evict a pod of `name` when it runs the fewest replicas it may.
    private func checkDrain(_ name: String, _ rendered: RenderedObjects, where_: String) {
        let scaler = rendered.named("ScaledObject", name) ?? rendered.named("HorizontalPodAutoscaler", name)
        let minimum = scaler?.at("spec.minReplicas") as? Int ?? scaler?.at("spec.minReplicaCount") as? Int ?? 1
        let budget = rendered.named("PodDisruptionBudget", name)
        #expect(budget != nil, "\(where_): \(name) has a PodDisruptionBudget")
        let kept = budget?.at("spec.minAvailable") as? Int ?? max(0, minimum - (budget?.at("spec.maxUnavailable") as? Int ?? 0))
        #expect(kept < minimum, "\(where_): \(name) keeps \(kept) of \(minimum) through a drain")
    }

    /// In dev the Secret is in the overlay; in prod it is the operator's to create, by this name.
    private func checkSecret(_ reference: String, key: String, _ rendered: RenderedObjects, overlay: String, where_: String) throws {
        let parts = reference.split(separator: "/").map(String.init)
        #expect(parts.count == 2 && parts[1] == key, "\(where_)")
        if overlay == "dev" {
            let secret = try #require(rendered.named("Secret", parts[0]), "\(where_): Secret \(parts[0]) exists")
            let encoded = try #require((secret["data"] as? [String: String])?[key], "\(where_)")
            // kustomize wraps long values over lines, which Kubernetes ignores when decoding.
            let url = String(decoding: Data(base64Encoded: encoded, options: .ignoreUnknownCharacters) ?? Data(), as: UTF8.self)
            #expect(url.hasPrefix("postgres://postgres@postgres:5432/"), "\(where_): \(url)")
            #expect(rendered.named("StatefulSet", "postgres") != nil && rendered.named("Service", "postgres") != nil, "\(where_)")
        } else {
            #expect(parts[0] == KubernetesBase.databaseSecret && rendered.named("Secret", parts[0]) == nil,
                    "\(where_): prod commits no Secret")
        }
    }

    /// name → value, or `secret/key` for a value from a Secret.
    private func environment(_ container: [String: Any]) -> [String: String] {
        var env: [String: String] = [:]
        for item in container["env"] as? [[String: Any]] ?? [] {
            guard let name = item["name"] as? String else { continue }
            if let value = item["value"] as? String {
                env[name] = value
            } else if let secret = item.at("valueFrom.secretKeyRef.name") as? String, let key = item.at("valueFrom.secretKeyRef.key") as? String {
                env[name] = "\(secret)/\(key)"
            }
        }
        return env
    }

    // MARK: docker-compose

    private func checkCompose(_ compose: [String: Any], postgres: [String: Any], _ system: DeployableSystem) throws {
        let services = try #require(compose["services"] as? [String: [String: Any]])
        let job = try #require(services["\(system.name)-topics"], "\(system.name): a topics job")
        let script = (job["command"] as? [String])?.joined() ?? ""
        for topic in system.topics { #expect(script.contains("  \(topic)"), "\(system.name): the job creates \(topic)") }
        #expect(script.contains("--partitions \(Settings.partitions)"), "\(system.name)")

        for context in system.contexts {
            let name = context.manifest.executable
            let service = try #require(services[name], "compose service \(name)")
            #expect(service["profiles"] as? [String] == [system.name], "\(name)")
            #expect(service["command"] as? [String] == [name], "\(name)")
            #expect((service.at("healthcheck.test") as? [String])?.last == "http://127.0.0.1:8080/readyz", "\(name)")
            #expect(service.at("depends_on.\(system.name)-topics.condition") as? String == "service_completed_successfully", "\(name)")
            let env = service["environment"] as? [String: String] ?? [:]
            for called in context.manifest.calls {
                #expect(env["\(called.uppercased())_URL"] == "http://\(system.name)-\(called):8080", "\(name) → \(called)")
                #expect(services["\(system.name)-\(called)"] != nil, "\(name) → \(called)")
            }
            #expect(env["DATABASE_PATH"]?.hasPrefix("/srv/data/") == true, "\(name)")
            #expect((service["volumes"] as? [String])?.first?.hasSuffix(":/srv/data") == true, "\(name)")

            let override = (postgres["services"] as? [String: [String: Any]])?[name]
            if context.manifest.scales {
                let env = override?["environment"] as? [String: String] ?? [:]
                #expect(env["DATABASE_PATH"] == "" && env["DATABASE_URL"] == "postgres://postgres@postgres:5432/\(context.manifest.databaseName)", "\(name)")
            } else {
                #expect(override == nil, "\(name) stays on SQLite")
            }
        }
        let gateway = try #require(services["\(system.name)-gateway"])
        let routes = Set(((gateway["environment"] as? [String: String])?["ROUTES"] ?? "").split(separator: ",").map(String.init))
        let expected = Set(system.contexts.flatMap { context in
            context.manifest.routes.map { "\($0)=http://\(context.manifest.executable):8080" }
        })
        #expect(routes == expected, "\(system.name)")
        #expect(gateway["ports"] as? [String] == ["127.0.0.1:8088:8080"], "\(system.name): the gateway on the README's port")

        let console = try #require(services["\(system.name)-console"], "\(system.name): the web console")
        #expect(console["command"] as? [String] == ["devstack", "console", system.name], "\(system.name)")
        #expect(console["ports"] as? [String] == ["127.0.0.1:8090:8080"], "\(system.name): the console on the README's port")
        let env = console["environment"] as? [String: String] ?? [:]
        #expect(env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092" && env["HOST"] == "0.0.0.0", "\(system.name)")
        for context in system.contexts {
            let url = env["\(context.name.uppercased())_URL"]
            #expect(url == "http://\(context.manifest.executable):8080" && services[context.manifest.executable] != nil,
                    "\(system.name): console → \(context.name)")
        }
    }
}
