@testable import deploygen
import Foundation
import Testing
import TestSupport

/// What watches a deployed system: Prometheus' targets and labels as the manifests name them,
/// and the alerts, checked by promtool and fired by its unit tests.
@Suite("monitoring", .serialized)
struct MonitoringTests {
    @Test("scripts/check-alerts: promtool accepts the config and every PrometheusRule, each alert fires in its unit test, and a wrong expectation fails")
    func promtoolAccepts() throws {
        let script = ProjectPaths.root.appendingPathComponent("scripts/check-alerts").path
        let run = try CommandRun(script, [], timeout: .seconds(120))
        #expect(run.status == 0 && run.stdout.contains("SUCCESS"), "\(run)")
        #expect(run.stdout.contains("kubernetes/ticketing/monitoring/monitoring.yaml: the PrometheusRule's rules are valid"), "\(run)")
        #expect(run.stdout.components(separatedBy: "SUCCESS").count == 3, "compose's rules and ticketing's PrometheusRule: \(run)")

        // A service down for one minute has not yet been down for the alert's two.
        let test = try ProjectPaths.temporaryDirectory("alerts-test").appendingPathComponent("early.test.yml")
        try """
            rule_files: [\(ProjectPaths.root.appendingPathComponent(Monitoring.rulesPath).path)]
            tests:
              - interval: 1m
                input_series:
                  - {series: 'up{system="ticketing",service="booking"}', values: '0x5'}
                alert_rule_test:
                  - {eval_time: 1m, alertname: ServiceDown, exp_alerts: [{exp_labels: {severity: critical, system: ticketing, service: booking}}]}
            """.write(to: test, atomically: true, encoding: .utf8)
        let refused = try CommandRun(script, [test.path], timeout: .seconds(120))
        #expect(refused.status != 0 && (refused.stdout + refused.stderr).contains("FAILED"), "\(refused)")
    }

    @Test("compose runs a Prometheus per system, under its profile, scraping each of its services labelled with its system and service")
    func composeTargets() throws {
        let compose = try RenderedObjects.file("docker-compose.yml").objects[0]
        for system in try Deployables.all() {
            let config = try RenderedObjects.file(Monitoring.configPath(system)).objects[0]
            let job = try #require((config["scrape_configs"] as? [[String: Any]])?.first, "\(system.name)")
            let targets = (job["static_configs"] as? [[String: Any]] ?? []).map { ($0["targets"] as? [String] ?? [], $0["labels"] as? [String: String] ?? [:]) }
            #expect(targets.map(\.0) == system.contexts.map { ["\($0.manifest.executable):8080"] }, "\(system.name)")
            #expect(targets.map(\.1) == system.contexts.map { ["system": system.name, "service": $0.name] }, "\(system.name)")
            let prometheus = try #require(compose.at(["services", "\(system.name)-prometheus"]) as? [String: Any])
            #expect(prometheus["profiles"] as? [String] == [system.name], "only its own system's targets, which run")
            #expect((prometheus["command"] as? [String])?.first == "--config.file=/etc/prometheus/\(system.name).yml")
        }
        let grafana = try #require(compose.at("services.grafana") as? [String: Any])
        #expect(Set(grafana["profiles"] as? [String] ?? []) == Set(try Deployables.all().map(\.name)), "it starts with any system")
    }

    @Test("kubernetes/<system>/monitoring: a PodMonitor that selects each service's pods and not the gateway's, a PrometheusRule over the system's own series, the dashboard")
    func kubernetesMonitoring() throws {
        for system in try Deployables.all() {
            let monitoring = try RenderedObjects.overlay("kubernetes/\(system.name)/monitoring")
            #expect(monitoring.objects.allSatisfy { $0.at("metadata.namespace") as? String == system.namespace }, "\(system.name)")
            let monitor = try #require(monitoring.named("PodMonitor", system.name), "\(system.name)")
            let selector = try #require(monitor.at("spec.selector.matchLabels") as? [String: String])
            for overlay in DeploymentTests.overlays {
                let rendered = try RenderedObjects.overlay("kubernetes/\(system.name)/overlays/\(overlay)")
                #expect(rendered.all("PodMonitor").isEmpty && rendered.all("PrometheusRule").isEmpty, "the overlays need no Prometheus Operator")
                for deployment in rendered.all("Deployment") {
                    let labels = deployment.at("spec.template.metadata.labels") as? [String: String] ?? [:]
                    let name = deployment.at("metadata.name") as? String ?? "?"
                    let scraped = selector.allSatisfy { labels[$0.key] == $0.value }
                    #expect(scraped == system.contexts.contains { $0.name == name }, "\(system.name)/\(overlay): \(name): the services, not the gateway")
                    if scraped { #expect(labels["app.kubernetes.io/name"] == name, "its service label is its manifest's name") }
                }
            }
            let rule = try #require(monitoring.named("PrometheusRule", system.name))
            let expressions = ((rule.at("spec.groups") as? [[String: Any]])?.first?["rules"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String }
            #expect(expressions.count == Monitoring.alerts("").count)
            #expect(expressions.allSatisfy { $0.contains(#"system="\#(system.name)""#) }, "\(system.name): \(expressions)")
        }
    }

    @Test("a dashboard per system, its queries over the system's own series, provisioned by compose and carried by a ConfigMap")
    func dashboards() throws {
        let provisioned = try RenderedObjects.file("\(Dashboards.folder)/provisioning/datasources/prometheus.yml").objects[0]
        let source = try #require((provisioned["datasources"] as? [[String: Any]])?.first)
        #expect(source["url"] as? String == "http://\(Monitoring.host):\(Monitoring.port)" && source["uid"] as? String == Dashboards.datasource)
        for system in try Deployables.all() {
            let text = try String(contentsOf: ProjectPaths.root.appendingPathComponent(Dashboards.dashboardPath(system)), encoding: .utf8)
            let dashboard = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let panels = dashboard["panels"] as? [[String: Any]] ?? []
            let titles = panels.compactMap { $0["title"] as? String }
            for wanted in ["Events published", "Consumer lag", "Outbox backlog", "Circuit breakers", "Latency, p50 and p99"] {
                #expect(titles.contains { $0.hasPrefix(wanted) }, "\(system.name): \(wanted) in \(titles)")
            }
            for panel in panels {
                for target in panel["targets"] as? [[String: Any]] ?? [] {
                    #expect((target["expr"] as? String)?.contains(#"system="\#(system.name)""#) == true, "\(system.name): \(target)")
                    #expect(target.at("datasource.uid") as? String == Dashboards.datasource)
                }
            }
            let map = try #require(try RenderedObjects.overlay("kubernetes/\(system.name)/monitoring").named("ConfigMap", "\(system.name)-dashboard"))
            #expect(map.at("metadata.labels.grafana_dashboard") as? String == "1")
            #expect((map["data"] as? [String: String])?["\(system.name).json"] == text, "\(system.name): the same dashboard")
        }
    }
}
