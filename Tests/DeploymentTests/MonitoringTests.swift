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
        #expect(run.stdout.contains("kubernetes/ticketing/base/monitoring.yaml: the PrometheusRule's rules are valid"), "\(run)")

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

    @Test("compose's Prometheus scrapes every service of every system, labelled with its system and service")
    func composeTargets() throws {
        let config = try RenderedObjects.file(Monitoring.configPath).objects[0]
        let jobs = try #require(config["scrape_configs"] as? [[String: Any]])
        for system in try Deployables.all() {
            let job = try #require(jobs.first { $0["job_name"] as? String == system.name }, "\(system.name)")
            let targets = (job["static_configs"] as? [[String: Any]] ?? []).map { ($0["targets"] as? [String] ?? [], $0["labels"] as? [String: String] ?? [:]) }
            #expect(targets.map(\.0) == system.contexts.map { ["\($0.manifest.executable):8080"] }, "\(system.name)")
            #expect(targets.map(\.1) == system.contexts.map { ["system": system.name, "service": $0.name] }, "\(system.name)")
        }
        let compose = try RenderedObjects.file("docker-compose.yml").objects[0]
        let prometheus = try #require(compose.at("services.prometheus") as? [String: Any])
        #expect(Set(prometheus["profiles"] as? [String] ?? []) == Set(try Deployables.all().map(\.name)), "it starts with any system")
    }

    @Test("every overlay deploys a PodMonitor that selects each service's pods and a PrometheusRule over the system's own series",
          arguments: DeploymentTests.overlays)
    func kubernetesMonitoring(overlay: String) throws {
        for system in try Deployables.all() {
            let rendered = try RenderedObjects.overlay("kubernetes/\(system.name)/overlays/\(overlay)")
            let monitor = try #require(rendered.named("PodMonitor", system.name), "\(system.name)/\(overlay)")
            let selector = try #require(monitor.at("spec.selector.matchLabels") as? [String: String])
            for context in system.contexts {
                let deployment = try #require(rendered.named("Deployment", context.name))
                let labels = deployment.at("spec.template.metadata.labels") as? [String: String] ?? [:]
                #expect(selector.allSatisfy { labels[$0.key] == $0.value }, "\(system.name)/\(overlay): \(context.name) is scraped")
                #expect(labels["app.kubernetes.io/name"] == context.name, "its service label is its manifest's name")
            }
            #expect(rendered.all("PodMonitor").count == 1, "the gateway, which has no /metrics, is not scraped")
            let rule = try #require(rendered.named("PrometheusRule", system.name))
            let expressions = ((rule.at("spec.groups") as? [[String: Any]])?.first?["rules"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String }
            #expect(expressions.count == Monitoring.alerts("").count)
            #expect(expressions.allSatisfy { $0.contains(#"system="\#(system.name)""#) }, "\(system.name)/\(overlay): \(expressions)")
        }
    }

    @Test("a dashboard per system, its queries over the system's own series, provisioned by compose and carried by a ConfigMap in every overlay")
    func dashboards() throws {
        let provisioned = try RenderedObjects.file("\(Dashboards.folder)/provisioning/datasources/prometheus.yml").objects[0]
        let source = try #require((provisioned["datasources"] as? [[String: Any]])?.first)
        #expect(source["url"] as? String == "http://prometheus:\(Monitoring.port)" && source["uid"] as? String == Dashboards.datasource)
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
            for overlay in DeploymentTests.overlays {
                let rendered = try RenderedObjects.overlay("kubernetes/\(system.name)/overlays/\(overlay)")
                let map = try #require(rendered.named("ConfigMap", "\(system.name)-dashboard"), "\(system.name)/\(overlay)")
                #expect(map.at("metadata.labels.grafana_dashboard") as? String == "1")
                #expect((map["data"] as? [String: String])?["\(system.name).json"] == text, "\(system.name)/\(overlay): the same dashboard")
            }
        }
    }
}
