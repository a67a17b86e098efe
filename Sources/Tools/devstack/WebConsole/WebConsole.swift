import Chassis
import Foundation
import HTTP
import JSON
import Kafka
import Synchronization

/// `devstack console SYSTEM`: a read-only page of one running system (on loopback under devstack). The
/// map of its contexts, topics and sync calls with their live state, the events as they are
/// published, one saga's timeline, the consumer groups' offsets. Everything it shows is read on
/// threads of its own with bounded requests; it joins no consumer group and commits nothing.
final class WebConsole: Sendable {
    let system: SystemManifest
    private let kafka: KafkaProperties
    private let services: ServiceWatch
    private let broker: BrokerWatch
    private let feed: EventFeed
    private let router = Router()
    /// One saga is read at a time: each reads the system's topics from their start.
    private let readingSaga = Mutex(false)

    /// `kafka`: the broker, and any property the services' clients are given (TLS, SASL);
    /// `urls`: each context's base URL, as `<CONTEXT>_URL` gives it to a caller.
    init(system: SystemManifest, kafka: KafkaProperties, urls: [String: String]) {
        self.system = system
        // librdkafka's own log lines would bury the console's.
        self.kafka = kafka.merging(["client.id": "devstack-console", "log_level": "2"]) { given, _ in given }
        services = ServiceWatch(system: system, urls: urls)
        broker = BrokerWatch(system: system, kafka: kafka)
        feed = EventFeed(system: system, kafka: kafka)
        router.add("GET", "/") { [system] _ in .text(ConsolePages.live(system), contentType: "text/html; charset=utf-8") }
        router.add("GET", "/saga") { [self] request in saga(request) }
        router.add("GET", "/api/state") { [self] _ in .json(state) }
        router.add("GET", "/api/stream") { [self] request in stream(request) }
        router.add("GET", "/healthz") { _ in .json(["status": "UP"]) }
        router.add("GET", "/readyz") { _ in .json(["status": "UP"]) }
    }

    /// Starts watching and serving; returns the bound port.
    func start(host: String, port: Int) throws -> Int {
        services.start()
        broker.start()
        feed.start()
        let server = HTTPServer(configuration: HTTPServerConfiguration(host: host, port: port)) { [router] in router.handle($0) }
        return try server.start()
    }

    struct State: Encodable {
        let system: String
        let services: [ServiceWatch.State]
        let groups: [BrokerWatch.Group]
        /// Why the broker cannot be asked, or the feed cannot read; nil when all is well.
        let broker: String?
        let feed: String?
    }

    private var state: State {
        let snapshot = broker.snapshot
        return State(system: system.name, services: services.snapshot, groups: snapshot.groups, broker: snapshot.problem, feed: feed.problem)
    }

    /// Server-Sent Events: the state, and the events after `Last-Event-ID`, in one answer that
    /// ends; the browser's EventSource asks again after `retry`, so no connection is held open.
    private func stream(_ request: HTTPRequest) -> HTTPResponse {
        var text = "retry: 1000\n\n"
        if let data = try? JSONCodec.encode(state) { text += "event: state\ndata: \(String(decoding: data, as: UTF8.self))\n\n" }
        let events = feed.events(after: request.headers["Last-Event-ID"])
        if let last = events.last, let data = try? JSONCodec.encode(events) {
            text += "id: \(feed.run)-\(last.seq)\nevent: events\ndata: \(String(decoding: data, as: UTF8.self))\n\n"
        }
        return HTTPResponse(status: 200, headers: ["Content-Type": "text/event-stream", "Cache-Control": "no-store"], body: Array(text.utf8))
    }

    private func saga(_ request: HTTPRequest) -> HTTPResponse {
        let id = request.query["id"].flatMap { $0.isEmpty ? nil : $0 }
        var answer: Result<SagaTimeline.Answer, any Error>?
        if let id {
            guard readingSaga.withLock({ reading in defer { reading = true }; return !reading }) else {
                answer = .failure(Busy())
                return .text(ConsolePages.saga(system, id: id, answer: answer), status: 503, contentType: "text/html; charset=utf-8")
            }
            defer { readingSaga.withLock { $0 = false } }
            answer = HTTPServer.whileBlocked {
                Result { try SagaTimeline.read(id, system: system, kafka: kafka, groups: broker.snapshot.groups, services: services.snapshot) }
            }
        }
        return .text(ConsolePages.saga(system, id: id, answer: answer), contentType: "text/html; charset=utf-8")
    }

    private struct Busy: Error, CustomStringConvertible {
        var description: String { "another saga is being read; try again in a moment" }
    }
}
