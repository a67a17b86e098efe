import Chassis
import JSON

/// A Grafana dashboard per system, on the same metrics as the alerts: the saga's flow (events
/// published and consumed), consumer lag, outbox backlog, breaker states, requests and their
/// latency percentiles, sagas compensated. Compose provisions them into a Grafana of its own;
/// `kubernetes/<system>/monitoring/` carries each in a ConfigMap that Grafana's dashboard sidecar
/// picks up. Rates are over Grafana's `$__rate_interval`, which fits whatever the scrape interval.
enum Dashboards {
    static let folder = "compose/grafana"
    static let image = "grafana/grafana:11.2.0"
    static let port = 3000
    /// The Prometheus data source's uid: compose provisions it so, as kube-prometheus-stack names its own.
    static let datasource = "prometheus"

    struct Panel {
        let title: String, unit: String, legend: String
        let expressions: [String]
    }

    /// Each panel of `system`'s dashboard, its queries over the system's own series.
    static func panels(_ system: String) -> [Panel] {
        func series(_ metric: Metric, _ suffix: String = "") -> String { #"\#(metric.name)\#(suffix){system="\#(system)"}"# }
        let latency = "sum by (service, le) (rate(\(series(.httpRequestDuration, "_bucket"))[$__rate_interval]))"
        return [
            Panel(title: "Events published (the saga's steps)", unit: "ops", legend: "{{service}}",
                  expressions: ["sum by (service) (rate(\(series(.outboxPublished))[$__rate_interval]))"]),
            Panel(title: "Events consumed, by outcome", unit: "ops", legend: "{{service}} {{outcome}}",
                  expressions: ["sum by (service, outcome) (rate(\(series(.consumerEvents))[$__rate_interval]))"]),
            Panel(title: "Consumer lag", unit: "short", legend: "{{service}} ← {{topic}}",
                  expressions: ["sum by (service, topic) (\(series(.consumerLag)))"]),
            Panel(title: "Outbox backlog", unit: "short", legend: "{{service}}",
                  expressions: ["sum by (service) (\(series(.outboxBacklog)))"]),
            Panel(title: "Circuit breakers (0 closed, 1 open, 2 half-open)", unit: "short", legend: "{{service}} → {{name}}",
                  expressions: ["max by (service, name) (\(series(.circuitBreakerState)))"]),
            Panel(title: "Requests, by status", unit: "reqps", legend: "{{service}} {{status}}",
                  expressions: ["sum by (service, status) (rate(\(series(.httpRequests))[$__rate_interval]))"]),
            Panel(title: "Latency, p50 and p99", unit: "s", legend: "{{service}}",
                  expressions: ["histogram_quantile(0.5, \(latency))", "histogram_quantile(0.99, \(latency))"]),
            Panel(title: "Sagas compensated after their deadline", unit: "short", legend: "{{service}} {{step}}",
                  expressions: ["sum by (service, step) (increase(\(series(.sagaTimeouts))[5m]))"]),
        ]
    }

    /// The dashboard's JSON, two panels a row.
    static func dashboard(_ system: DeployableSystem) -> String {
        let panels = panels(system.name).enumerated().map { index, panel in
            object([
                "id": .number(String(index + 1)), "type": .string("timeseries"), "title": .string(panel.title),
                "gridPos": object(["h": .number("8"), "w": .number("12"), "x": .number(String(index % 2 * 12)), "y": .number(String(index / 2 * 8))]),
                "datasource": object(["type": .string("prometheus"), "uid": .string(datasource)]),
                "fieldConfig": object(["defaults": object(["unit": .string(panel.unit)]), "overrides": .array([])]),
                "targets": .array(panel.expressions.enumerated().map { number, expression in
                    object([
                        "refId": .string(String(UnicodeScalar(UInt8(65 + number)))), "expr": .string(expression),
                        "legendFormat": .string(panel.expressions.count > 1 ? "\(panel.legend) p\(number == 0 ? 50 : 99)" : panel.legend),
                        "datasource": object(["type": .string("prometheus"), "uid": .string(datasource)]),
                    ])
                }),
            ])
        }
        return object([
            "uid": .string("\(system.name)-services"), "title": .string("\(system.name): services, events and sagas"),
            "tags": .array([.string("event-driven-systems"), .string(system.name)]),
            "schemaVersion": .number("39"), "version": .number("1"), "editable": .bool(false),
            "time": object(["from": .string("now-1h"), "to": .string("now")]), "refresh": .string("10s"),
            "panels": .array(panels),
        ]).indentedText
    }

    static func dashboardPath(_ system: DeployableSystem) -> String { "\(folder)/dashboards/\(system.name).json" }

    /// Compose's Grafana provisioning: the Prometheus data source and the dashboards folder.
    static func provisioning() -> [String: String] {
        [
            "\(folder)/provisioning/datasources/prometheus.yml": YAML.file([[
                "apiVersion": 1,
                "datasources": [[
                    "name": "Prometheus", "uid": .string(datasource), "type": "prometheus", "access": "proxy",
                    "url": .string("http://\(Monitoring.host):\(Monitoring.port)"), "isDefault": true, "editable": false,
                ]],
            ]], comment: Compose.header),
            "\(folder)/provisioning/dashboards/systems.yml": YAML.file([[
                "apiVersion": 1,
                "providers": [[
                    "name": "event-driven-systems", "type": "file", "disableDeletion": true, "allowUiUpdates": false,
                    "options": ["path": "/var/lib/grafana/dashboards"],
                ]],
            ]], comment: Compose.header),
        ]
    }

    /// Kubernetes: the dashboard in a ConfigMap labelled for Grafana's sidecar (`grafana_dashboard`).
    static func configMap(_ system: DeployableSystem) -> YAML {
        [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": [
                "name": .string("\(system.name)-dashboard"),
                "labels": ["app.kubernetes.io/part-of": .string(system.name), "grafana_dashboard": "1"],
            ],
            "data": .map([("\(system.name).json", .block(dashboard(system)))]),
        ]
    }
}
