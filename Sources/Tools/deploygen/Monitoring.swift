import Chassis

/// What watches a deployed system: Prometheus scraping every service, each series labelled with
/// its `system` and `service` as the manifests name them, and the alerts that ship with the
/// systems, on the chassis' own metrics, for what hurts users. Compose runs a Prometheus of its
/// own with a plain rules file (`compose/prometheus/`); Kubernetes gets a PodMonitor and a
/// PrometheusRule per system, for the Prometheus Operator.
enum Monitoring {
    static let folder = "compose/prometheus"
    static let configPath = "\(folder)/prometheus.yml"
    static let rulesPath = "\(folder)/alerts.yml"
    static let image = "prom/prometheus:v2.53.2"
    static let port = 9090

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
            Alert(name: "OutboxBacklogGrowing", expression: "\(backlog) > 100 and deriv(\(backlog)[10m]) > 0", duration: "10m", severity: "warning",
                  summary: "\(who) publishes slower than it writes events",
                  description: "{{ $value }} events wait in its outbox and the backlog grows: the other services hear of its changes late."),
            Alert(name: "OutboxStuck", expression: "\(backlog) > 0 and increase(\(series(Metric.outboxPublished.name))[5m]) == 0",
                  duration: "5m", severity: "critical",
                  summary: "\(who) publishes nothing while {{ $value }} events wait",
                  description: "Its outbox relay has published nothing for 5 minutes with events waiting: is Kafka reachable? The events are kept and go out once it is."),
            Alert(name: "CircuitBreakerOpen", expression: "\(series(Metric.circuitBreakerState.name)) == 1", duration: "5m", severity: "warning",
                  summary: "\(who) has stopped calling {{ $labels.name }}",
                  description: "Its breaker for {{ $labels.name }} has been open for 5 minutes: the calls that need it fail fast with 503."),
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

    /// `compose/prometheus/prometheus.yml`: every service of every system, each labelled.
    static func configFile(_ systems: [DeployableSystem]) -> String {
        let jobs: [YAML] = systems.map { system in
            [
                "job_name": .string(system.name),
                "static_configs": .list(system.contexts.map { context in
                    [
                        "targets": [.string("\(context.manifest.executable):\(Settings.containerPort)")],
                        "labels": ["system": .string(system.name), "service": .string(context.name)],
                    ]
                }),
            ]
        }
        return YAML.file([[
            "global": ["scrape_interval": "15s", "evaluation_interval": "15s"],
            "rule_files": ["alerts.yml"],
            "scrape_configs": .list(jobs),
        ]], comment: Compose.header)
    }

    /// Kubernetes: a PodMonitor for the system's services (labelled from their pods' labels) and
    /// a PrometheusRule with its alerts.
    static func kubernetesObjects(_ system: DeployableSystem) -> [YAML] {
        let labels: YAML = ["app.kubernetes.io/part-of": .string(system.name)]
        return [
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
        ]
    }
}
