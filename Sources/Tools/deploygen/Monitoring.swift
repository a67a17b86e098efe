import Chassis

/// What watches a deployed system: Prometheus scraping every service, each series labelled with
/// its `system` and `service` as the manifests name them, and the alerts that ship with the
/// systems, on the chassis' own metrics, for what hurts users. Compose runs a Prometheus per
/// system with a plain rules file (`compose/prometheus/`); on Kubernetes,
/// `kubernetes/<system>/monitoring/` holds a PodMonitor and a PrometheusRule, for the Prometheus
/// Operator, and the Grafana dashboard, apart from the overlays, which need no operator for it.
enum Monitoring {
    static let folder = "compose/prometheus"
    static let rulesPath = "\(folder)/alerts.yml"
    static let image = "prom/prometheus:v2.53.2"
    static let port = 9090
    /// The name Grafana reaches compose's Prometheus by, whichever system's runs.
    static let host = "prometheus"

    static func configPath(_ system: DeployableSystem) -> String { "\(folder)/\(system.name).yml" }

    struct Alert {
        let name: String, expression: String, duration: String, severity: String, summary: String, description: String
    }

    /// Each alert, over the series `selector` picks (`system="ticketing"`; empty for every system).
    static func alerts(_ selector: String) -> [Alert] {
        /// `metric{selector,extra}`, or the bare name when there is no label to give.
        func series(_ name: String, _ extra: String = "") -> String {
            let labels = [selector, extra].filter { !$0.isEmpty }.joined(separator: ",")
            return labels.isEmpty ? name : "\(name){\(labels)}"
        }
        let lag = series(Metric.consumerLag.name), backlog = series(Metric.outboxBacklog.name)
        let requests = Metric.httpRequests.name, duration = Metric.httpRequestDuration.name + "_bucket"
        let who = "{{ $labels.service }} ({{ $labels.system }})"
        return [
            Alert(name: "ServiceDown", expression: "\(series("up")) == 0", duration: "2m", severity: "critical",
                  summary: "\(who) does not answer /metrics",
                  description: "Prometheus cannot scrape {{ $labels.instance }}: the service is down or unreachable; its requests fail and its events wait."),
            Alert(name: "ConsumerLagGrowing", expression: "\(lag) > 100 and deriv(\(lag)[10m]) > 0", duration: "10m", severity: "warning",
                  summary: "\(who) falls behind on {{ $labels.topic }}",
                  description: "Its consumer is {{ $value }} records behind and the gap grows: what follows from those events (a saga's next step, a view) comes late."),
            // A consumer retrying one event (its database failing) reports no lag meanwhile.
            Alert(name: "ConsumerStalled",
                  expression: "sum by (system, service) (increase(\(series(Metric.consumerRetries.name))[5m])) > 0", duration: "5m", severity: "critical",
                  summary: "\(who) keeps retrying events",
                  description: "Its consumer has retried events after database failures for 5 minutes and more: what follows from its topic waits."),
            // Per service: every replica reports the shared outbox; one, holding the lease, publishes.
            Alert(name: "OutboxBacklogGrowing",
                  expression: "max by (system, service) (\(backlog)) > 100 and max by (system, service) (deriv(\(backlog)[10m])) > 0",
                  duration: "10m", severity: "warning",
                  summary: "\(who) publishes slower than it writes events",
                  description: "{{ $value }} events wait in its outbox and the backlog grows: the other services hear of its changes late."),
            Alert(name: "OutboxStuck",
                  expression: "max by (system, service) (\(backlog)) > 0 "
                    + "and sum by (system, service) (increase(\(series(Metric.outboxPublished.name))[5m])) == 0",
                  duration: "5m", severity: "critical",
                  summary: "\(who) publishes nothing while {{ $value }} events wait",
                  description: "Its outbox relay has published nothing for 5 minutes with events waiting: is Kafka reachable? The events are kept and go out once it is."),
            // Open or half-open (trying again) all along: the gauge moves only when a call is made.
            Alert(name: "CircuitBreakerOpen", expression: "\(series(Metric.circuitBreakerState.name)) > 0", duration: "5m", severity: "warning",
                  summary: "\(who) has stopped calling {{ $labels.name }}",
                  description: "Its breaker for {{ $labels.name }} has not closed for 5 minutes: the calls that need it fail fast with 503 (until a call finds it closed again)."),
            Alert(name: "DeadLetters", expression: "increase(\(series(Metric.consumerEvents.name, #"outcome="dead_lettered""#))[10m]) > 0",
                  duration: "0m", severity: "warning",
                  summary: "\(who) set events from {{ $labels.topic }} aside",
                  description: "Events it could not process went to the dead-letter topic: their effects are missing until they are replayed (eventctl dead-letters)."),
            Alert(name: "SagaTimeouts", expression: "increase(\(series(Metric.sagaTimeouts.name))[15m]) > 0", duration: "0m", severity: "warning",
                  summary: "\(who) compensated sagas that waited past their deadline ({{ $labels.step }})",
                  description: "A saga step got no answer in time and was undone: a customer's booking or order failed for want of an answer."),
            Alert(name: "HighErrorRatio",
                  expression: "sum by (system, service) (rate(\(series(requests, #"status=~"5..""#))[5m])) / "
                    + "sum by (system, service) (rate(\(series(requests))[5m])) > 0.05",
                  duration: "5m", severity: "critical",
                  summary: "\(who) fails more than 5% of its requests",
                  description: "{{ $value | humanizePercentage }} of its requests were answered 5xx over 5 minutes."),
            Alert(name: "SlowRequests",
                  expression: "histogram_quantile(0.99, sum by (system, service, le) (rate(\(series(duration))[5m]))) > 1",
                  duration: "10m", severity: "warning",
                  summary: "\(who) answers 1% of its requests slower than 1 s",
                  description: "Its 99th percentile latency is {{ $value | humanizeDuration }} over 5 minutes."),
        ]
    }

    /// One rule group, as Prometheus' rules file and the PrometheusRule's spec both hold it.
    static func group(_ name: String, _ selector: String) -> YAML {
        ["name": .string(name), "rules": .list(alerts(selector).map { alert in
            [
                "alert": .string(alert.name), "expr": .string(alert.expression), "for": .string(alert.duration),
                "labels": ["severity": .string(alert.severity)],
                "annotations": ["summary": .string(alert.summary), "description": .string(alert.description)],
            ]
        })]
    }

    /// `compose/prometheus/alerts.yml`: the alerts over every system.
    static func rulesFile() -> String {
        YAML.file([["groups": [group("event-driven-systems", "")]]], comment: Compose.header)
    }

    /// `compose/prometheus/<system>.yml`: the system's services, each labelled.
    static func configFile(_ system: DeployableSystem) -> String {
        YAML.file([[
            "global": ["scrape_interval": "15s", "evaluation_interval": "15s"],
            "rule_files": ["alerts.yml"],
            "scrape_configs": [[
                "job_name": .string(system.name),
                "static_configs": .list(system.contexts.map { context in
                    [
                        "targets": [.string("\(context.manifest.executable):\(Settings.containerPort)")],
                        "labels": ["system": .string(system.name), "service": .string(context.name)],
                    ]
                }),
            ]],
        ]], comment: Compose.header)
    }

    /// `kubernetes/<system>/monitoring/`: a kustomization of its own for the Prometheus Operator's
    /// PodMonitor (its services, labelled from their pods' labels), PrometheusRule and the dashboard.
    static func kubernetesFiles(_ system: DeployableSystem) -> [String: String] {
        let header = "\(Compose.header)\n\(system.name)'s monitoring, for the Prometheus Operator: kubectl apply -k kubernetes/\(system.name)/monitoring"
        let labels: YAML = ["app.kubernetes.io/part-of": .string(system.name)]
        let objects: [YAML] = [
            [
                "apiVersion": "monitoring.coreos.com/v1", "kind": "PodMonitor",
                "metadata": ["name": .string(system.name), "labels": labels],
                "spec": [
                    "selector": ["matchLabels": ["app.kubernetes.io/part-of": .string(system.name), "app.kubernetes.io/component": "service"]],
                    "podMetricsEndpoints": [[
                        "port": "http", "path": "/metrics",
                        "relabelings": [
                            ["sourceLabels": ["__meta_kubernetes_pod_label_app_kubernetes_io_part_of"], "targetLabel": "system"],
                            ["sourceLabels": ["__meta_kubernetes_pod_label_app_kubernetes_io_name"], "targetLabel": "service"],
                        ],
                    ]],
                ],
            ],
            [
                "apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule",
                "metadata": ["name": .string(system.name), "labels": labels],
                "spec": ["groups": [group(system.name, #"system="\#(system.name)""#)]],
            ],
            Dashboards.configMap(system),
        ]
        return [
            "monitoring.yaml": YAML.file(objects, comment: header),
            "kustomization.yaml": YAML.file([KubernetesObjects.kustomization([
                ("namespace", .string(system.namespace)), ("resources", ["monitoring.yaml"]),
            ])], comment: header),
        ]
    }
}
