import Foundation
import TestSupport

/// Objects as Kubernetes or docker-compose would read them: an overlay rendered by
/// `kubectl kustomize`, or a YAML file, turned into JSON by PyYAML (from scripts/setup's
/// deployment checkers).
struct RenderedObjects {
    let objects: [[String: Any]]

    /// `kubectl kustomize` of `overlay` (a path under the repository).
    static func overlay(_ overlay: String) throws -> RenderedObjects {
        try RenderedObjects(shell: "kubectl kustomize \(overlay)")
    }

    /// The documents of the YAML file at `path` (under the repository).
    static func file(_ path: String) throws -> RenderedObjects {
        try RenderedObjects(shell: "cat \(path)")
    }

    private init(shell command: String) throws {
        let root = ProjectPaths.root.path
        let toJSON = "import sys, yaml, json; json.dump([d for d in yaml.safe_load_all(sys.stdin) if d], sys.stdout)"
        let run = try CommandRun("/bin/bash", ["-o", "pipefail", "-c", "cd '\(root)' && \(command) | python3 -c '\(toJSON)'"],
                                 environment: ["PYTHONPATH": "\(root)/.tools/deploy-check"])
        guard run.status == 0, let data = run.stdout.data(using: .utf8),
              let objects = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw TestSupportError("\(command) did not give YAML objects (scripts/setup installs PyYAML with the checkers): \(run)")
        }
        self.objects = objects
    }

    /// The object of `kind` named `name`, if any.
    func named(_ kind: String, _ name: String) -> [String: Any]? {
        objects.first { $0["kind"] as? String == kind && $0.at("metadata.name") as? String == name }
    }

    func all(_ kind: String) -> [[String: Any]] { objects.filter { $0["kind"] as? String == kind } }
}

extension Dictionary where Key == String, Value == Any {
    /// The value at a dotted path of keys ("spec.template.spec"); a key may hold dots if quoted
    /// by the caller as one path element through `at(_: [String])`.
    func at(_ path: String) -> Any? { at(path.split(separator: ".").map(String.init)) }

    func at(_ keys: [String]) -> Any? {
        var current: Any? = self
        for key in keys { current = (current as? [String: Any])?[key] }
        return current
    }
}
