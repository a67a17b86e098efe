/// The web console (`devstack console SYSTEM`, in the README's devstack section) where a system is
/// deployed: one replica (the ids of its live stream are one process's), read-only, and reached
/// only from inside: on 127.0.0.1 with docker-compose, by `kubectl port-forward` on Kubernetes,
/// never through the Ingress (it shows every event, and asks no one who they are). On Kubernetes
/// every overlay deploys it, from the base.
enum WebConsoleDeployment {
    /// Its Kubernetes Deployment and Service; compose's service is `<system>-console`.
    static let name = "console"

    static func command(_ system: DeployableSystem) -> [String] { ["devstack", "console", system.name] }

    /// Its Deployment and Service, in every overlay's base.
    static func kubernetesObjects(_ system: DeployableSystem) -> [YAML] {
        let workload = KubernetesObjects.Workload(
            name: name, system: system.name, component: name, command: command(system),
            env: ServiceEnvironment.console(system) { $0 }.map { KubernetesObjects.env($0.0, $0.1) },
            scales: false)
        return [KubernetesObjects.deployment(workload), KubernetesObjects.service(name, system: system.name, component: name)]
    }
}
