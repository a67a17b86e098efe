import Chassis
import Foundation
import HTTP
import Storage
import Synchronization

/// A whole system in this process: every context a `ContextTester`, requests routed as the
/// gateway routes them (from the manifest), sync calls between contexts answered by the called
/// context's router (no sockets; `down` names contexts whose calls fail as if they were down),
/// and each published event delivered to every context that reads its topic, until nothing is
/// left to deliver. Each event is first checked against the system's committed AsyncAPI document
/// (`contracts/<system>/asyncapi.json`), as it would be on the topic, and each answer to a
/// request, and each sync call between contexts on a path a gateway route leads to, against its
/// OpenAPI document (`openapi.json`), as a client would be given it.
public final class SystemTester {
    public let manifest: SystemManifest
    /// By context name.
    public let contexts: [String: ContextTester]
    /// Every event each context was given, in order, for redelivery and rebuilds.
    public private(set) var delivered: [String: [(topic: String, envelope: EventEnvelope)]] = [:]
    /// Each context's last outbox row that has been delivered.
    private var lastDelivered: [String: Int64] = [:]
    /// Where each context answers sync calls, in this process only.
    private let urls: [String: String]
    private let contract: EventContract
    private let api: APIContract
    /// How sync calls between contexts broke the OpenAPI document, until `settle` reports them.
    private let callProblems = CallProblems()

    /// `types` are the system's contexts; they must be exactly the manifest's.
    public init(_ manifest: SystemManifest, _ types: [any BoundedContext.Type], down: Set<String> = []) throws {
        self.manifest = manifest
        let names = Set(types.map { $0.name })
        guard names == Set(manifest.contexts.map(\.name)) else {
            throw TesterError("\(manifest.name) has contexts \(manifest.contexts.map(\.name).sorted()), given \(names.sorted())")
        }
        let run = UUID().uuidString.prefix(8).lowercased()
        let urls = Dictionary(uniqueKeysWithValues: manifest.contexts.map { ($0.name, "http://\($0.name).\(run).in-process:80") })
        self.urls = urls
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let documents = [EventContract.path(of: manifest.name), APIContract.path(of: manifest.name)].map(root.appendingPathComponent)
        for document in documents where !FileManager.default.fileExists(atPath: document.path) {
            throw TesterError("\(manifest.name) has no contract document at \(document.path): run scripts/deploygen")
        }
        contract = try EventContract(contentsOf: documents[0])
        api = try APIContract(contentsOf: documents[1])
        let environment = Dictionary(uniqueKeysWithValues: manifest.contexts.map { context in
            (ContextManifest.urlVariable(of: context.name), down.contains(context.name) ? "http://127.0.0.1:9" : urls[context.name]!)
        })
        var contexts: [String: ContextTester] = [:]
        for type in types { contexts[type.name] = try Self.tester(type, environment) }
        self.contexts = contexts
        for name in urls.keys { bringBack(name) }
    }

    deinit {
        for url in urls.values { InProcessUpstreams.remove(url) }
    }

    /// Where the other contexts call `context`, in this process.
    public func url(of context: String) -> String { urls[context]! }

    /// Makes `context` stop answering sync calls, as a service that is down (its breaker state
    /// in its callers carries on as it would).
    public func takeDown(_ context: String) { InProcessUpstreams.remove(url(of: context)) }

    /// Makes `context` answer sync calls again after `takeDown`, as a service that is back.
    public func bringBack(_ context: String) {
        let (service, routes, api, problems) = (self[context].service, manifest[context].routes, api, callProblems)
        InProcessUpstreams.register(url(of: context)) { request in
            let response = service.handle(request)
            // The stock paths between a seller and the owner are no gateway route's: not the API.
            if routes.contains(where: { request.path == $0 || request.path.hasPrefix($0 + "/") }) {
                let found = api.problems(request.method, request.path, request: request.body, status: response.status,
                                         headers: response.headers, body: response.body)
                problems.list.withLock { $0 += found.map { "\(request.method) \(request.path) → \(response.status): \($0)" } }
            }
            return response
        }
    }

    /// The `_embedded` items of the collection at `path` (`/carts` → `_embedded.carts`).
    public func items(_ path: String) throws -> [[String: Any]] {
        (try request("GET", path).json["_embedded"] as? [String: Any])?[String(path.dropFirst())] as? [[String: Any]] ?? []
    }

    private static func tester<C: BoundedContext>(_ type: C.Type, _ environment: [String: String]) throws -> ContextTester {
        try ContextTester(type, environment: environment)
    }

    public subscript(_ context: String) -> ContextTester { contexts[context]! }

    /// Sends the request to the context that serves its path, as the gateway would, then
    /// delivers what follows from it.
    public func request(_ method: String, _ path: String, _ json: [String: Any]? = nil) throws -> Answer {
        let prefix = path.prefix { $0 != "?" }
        guard let context = manifest.contexts.first(where: { $0.routes.contains { prefix == $0 || prefix.hasPrefix($0 + "/") } }) else {
            throw TesterError("no context of \(manifest.name) serves \(path)")
        }
        let body = try json.map { Array(try JSONSerialization.data(withJSONObject: $0)) } ?? []
        let answer = self[context.name].request(method, path, body: body)
        let problems = api.problems(method, String(prefix), request: body, status: answer.status, headers: answer.response.headers,
                                    body: answer.response.body)
        guard problems.isEmpty else { throw TesterError("the contract: \(method) \(path) → \(answer.status): \(problems.joined(separator: "; "))") }
        try settle()
        return answer
    }

    /// Runs every context's background jobs once (deferred calls, deadlines), then delivers what
    /// they published.
    public func runJobs() throws {
        for context in manifest.contexts { try self[context.name].runJobs() }
        try settle()
    }

    /// Delivers every event published and not yet delivered to the contexts that read its topic,
    /// round after round, until no context publishes anything new.
    public func settle(rounds: Int = 1000) throws {
        let calls = callProblems.list.withLock { list in defer { list = [] }; return list }
        guard calls.isEmpty else { throw TesterError("the contract, in a sync call: \(calls.joined(separator: "; "))") }
        for _ in 0..<rounds {
            var moved = false
            for publisher in manifest.contexts {
                for record in try self[publisher.name].outboxRecords(after: lastDelivered[publisher.name, default: 0]) {
                    moved = true
                    let problems = contract.problems(topic: record.topic, headers: record.envelope.headers, value: record.envelope.data)
                    guard problems.isEmpty else { throw TesterError("the contract: \(problems.joined(separator: "; "))") }
                    for reader in manifest.contexts where try self[reader.name].deliver(record.envelope, from: record.topic) != .ignored {
                        delivered[reader.name, default: []].append((record.topic, record.envelope))
                    }
                    lastDelivered[publisher.name] = record.seq
                }
            }
            if !moved { return }
        }
        throw TesterError("\(manifest.name) still publishing after \(rounds) rounds: a loop between policies?")
    }
}

extension ContextTester {
    /// Delivers an envelope as read from `topic`.
    @discardableResult
    public func deliver(_ envelope: EventEnvelope, from topic: String) throws -> Service.Delivery {
        try service.deliver(envelope, from: topic)
    }

    /// Every row of every table of the context's own (the chassis' inbox and bookkeeping
    /// left out), as text: two snapshots are equal when the state is.
    public func snapshot(tables: [String]? = nil) throws -> [String: [String]] {
        try service.database.read { c in
            let names = try tables ?? c.query("""
                SELECT name FROM sqlite_master WHERE type = 'table'
                AND name NOT IN ('inbox', 'dead_letters', 'outbox_lease', 'schema_migrations', 'sqlite_sequence')
                """).map { try $0.string("name") }
            var tables: [String: [String]] = [:]
            for name in names {
                tables[name] = try c.query("SELECT * FROM \(name)").map { "\($0)" }.sorted()
            }
            return tables
        }
    }

    /// Empties the context's views and its inbox, as `reset-view` does.
    public func resetViews() throws {
        try service.clearViews()
    }
}

public struct TesterError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Sendable, so that the sync-call handlers can note what they find.
private final class CallProblems: Sendable {
    let list = Mutex<[String]>([])
}
