import Chassis
import Foundation

/// One system as it is deployed: its manifest, and what its contexts read, learnt by installing
/// each on an in-memory database as the executable would.
struct DeployableSystem {
    let manifest: SystemManifest
    let contexts: [DeployableContext]

    init(_ manifest: SystemManifest, _ types: [any BoundedContext.Type]) throws {
        precondition(types.map { $0.name } == manifest.contexts.map(\.name), "\(manifest.name): context types out of manifest order")
        self.manifest = manifest
        contexts = try types.map { try DeployableContext($0) }
        for reserved in [Settings.gatewayName, Settings.postgresName, Settings.kafkaCluster, WebConsoleDeployment.name,
                         "namespace", "topics", "kustomization"] {
            precondition(!contexts.contains { $0.name == reserved }, "\(manifest.name): a context named \(reserved) would clash with its Service")
        }
    }

    var name: String { manifest.name }
    var namespace: String { manifest.namespace }
    /// Every topic it needs, sorted: each context's own, and a dead-letter topic per topic a context reads.
    var topics: [String] {
        (contexts.map(\.manifest.topic) + contexts.flatMap(\.deadLetterTopics)).sorted()
    }
    var scalable: [DeployableContext] { contexts.filter(\.manifest.scales) }
}

struct DeployableContext {
    let manifest: ContextManifest
    /// The topics its policies read, and its dead-letter topic for each.
    let readTopics: [String]
    let deadLetterTopics: [String]
    /// The events it publishes on its topic, and each event its policies decode, with the topic.
    let publishes: [any DomainEvent.Type]
    let consumes: [(topic: String, type: any DomainEvent.Type)]
    /// Its routes, each with the body it reads and what it answers.
    let operations: [APIOperation]

    init<Context: BoundedContext>(_ type: Context.Type) throws {
        let service = try Service(type, arguments: [], environment: ["DATABASE_PATH": ":memory:"])
        try service.migrate()
        try type.install(on: service)
        manifest = service.manifest
        readTopics = service.readTopics
        deadLetterTopics = service.deadLetterTopics
        publishes = service.publishes
        consumes = service.consumes
        operations = service.operations
    }

    var name: String { manifest.name }
}
