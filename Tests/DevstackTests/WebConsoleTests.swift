import Foundation
import HTTP
import Kafka
import Testing
import TestSupport

/// Headless Chromium (Debian's `chromium`, installed by scripts/setup) run to its exit: the DOM
/// a page has once its script ran for `budget` of virtual time, or a screenshot of it.
struct Browser {
    let profile: URL

    init() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.path) else {
            throw TestSupportError("no browser at \(Self.path): run scripts/setup, which installs Debian's chromium")
        }
        profile = try ProjectPaths.temporaryDirectory("chromium")
    }

    static let path = "/usr/bin/chromium"

    private func run(_ extra: [String], _ url: String) throws -> CommandRun {
        // --no-sandbox: the tests may run as root, where Chromium's sandbox refuses to start.
        let run = try CommandRun(Self.path, ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
                                             "--user-data-dir=\(profile.path)"] + extra + [url], timeout: .seconds(90))
        guard run.status == 0 else { throw TestSupportError("chromium failed on \(url): \(run)") }
        return run
    }

    func dom(_ url: String, budget: Duration = .seconds(6)) throws -> String {
        try run(["--virtual-time-budget=\(budget.components.seconds * 1000)", "--dump-dom"], url).stdout
    }

    func screenshot(_ url: String, to file: URL) throws {
        _ = try run(["--virtual-time-budget=6000", "--window-size=1280,1400", "--hide-scrollbars", "--screenshot=\(file.path)"], url)
    }
}

@Suite("devstack's web console", .serialized)
struct WebConsoleTests {
    @Test("in a real browser: the map with every context ready, a booking's events in the feed, its saga, the groups' offsets")
    func liveSystem() throws {
        let browser = try Browser()
        let broker = try TestBroker()
        let stack = try DevstackProcess(system: "ticketing", broker: broker)
        try stack.waitUntilUp()
        let client = HTTPClient()
        func post(_ path: String, _ body: String) throws -> Int {
            let answer = try client.send(method: "POST", url: stack.gatewayURL + path, headers: ["Content-Type": "application/json"],
                                         body: Array(body.utf8), timeout: .seconds(10))
            let object = try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any]
            guard answer.status == 201, let id = object?["id"] as? Int else { throw TestSupportError("POST \(path) answered \(answer.status)") }
            return id
        }
        let show = try post("/shows", #"{"showName":"showName1","totalCount":100,"remainCount":100}"#)
        let booking = try post("/bookings", #"{"showId":\#(show),"qty":10,"amount":30000,"showName":"showName1"}"#)
        try eventually("the console's groups have read the booking's saga to its end") {
            let state = try client.send(method: "GET", url: stack.consoleURL + "/api/state", timeout: .seconds(5))
            let object = try JSONSerialization.jsonObject(with: Data(state.body)) as? [String: Any]
            let groups = object?["groups"] as? [[String: Any]] ?? []
            let issuance = groups.first { $0["context"] as? String == "issuance" }
            return (issuance?["partitions"] as? [[String: Any]] ?? []).contains { ($0["committed"] as? Int ?? 0) > 0 }
                && (object?["services"] as? [[String: Any]] ?? []).allSatisfy { $0["ready"] as? Bool == true }
        }

        // A record the show cannot read, in the booking's saga: the show dead-letters it.
        let broken = OutgoingMessage(topic: "ticketing.booking", key: Array("\(booking)".utf8), value: Array(#"{"broken":true}"#.utf8), headers: [
            KafkaHeader("ce_specversion", "1.0"), KafkaHeader("ce_id", UUID().uuidString), KafkaHeader("ce_type", "BookingPlaced"),
            KafkaHeader("ce_source", "ticketing-booking"), KafkaHeader("ce_subject", "\(booking)"), KafkaHeader("correlation_id", "\(booking)"),
        ])
        try Producer(properties: broker.properties()).sendAndWait(broken)

        try eventually("the saga page shows the dead letter") {
            try browser.dom(stack.consoleURL + "/saga?id=\(booking)", budget: .seconds(1)).contains("class=\"event dead\"")
        }
        let saga = try browser.dom(stack.consoleURL + "/saga?id=\(booking)")
        for type in ["BookingPlaced", "SeatsReserved", "BookingConfirmed", "PaymentApproved", "TicketIssuable"] {
            #expect(saga.contains(">\(type)<"), "the saga page shows \(type)")
        }
        let placed = saga.components(separatedBy: "<li").filter { $0.contains(">BookingPlaced<") && !$0.contains("dead letter: ") }
        #expect(placed.count == 2 && placed.contains { $0.contains("ticketing.show ✓ <time>20") } && placed.contains { $0.contains("ticketing.show ✗") },
                "the show's group processed the booking's BookingPlaced (and says when), and dead-lettered the broken one: \(placed)")
        #expect(saga.contains("dead letter: ") && saga.contains("ticketing.booking.dlq.ticketing.show"), "the dead letter, where and why")

        // The stream sends what is new since the page's last event id; an id of another run of the console, everything.
        func stream(_ lastEventID: String?) throws -> (id: String?, events: [[String: Any]]) {
            let answer = try client.send(method: "GET", url: stack.consoleURL + "/api/stream",
                                         headers: lastEventID.map { ["Last-Event-ID": $0] } ?? [:], timeout: .seconds(5))
            let lines = String(decoding: answer.body, as: UTF8.self).split(separator: "\n")
            let id = lines.first { $0.hasPrefix("id: ") }.map { String($0.dropFirst(4)) }
            let data = lines.drop { $0 != "event: events" }.dropFirst().first.map { Data($0.dropFirst(6).utf8) }
            return (id, try data.map { try JSONSerialization.jsonObject(with: $0) as? [[String: Any]] ?? [] } ?? [])
        }
        let place = { (e: [String: Any]) in "\(e["topic"] ?? "")/\(e["partition"] ?? "")/\(e["offset"] ?? "")" }
        let all = try stream(nil)
        #expect(!all.events.isEmpty && all.id != nil)
        #expect(try stream("0000-99999").events.count == all.events.count, "an id of another run: everything")
        let second = try post("/bookings", #"{"showId":\#(show),"qty":1,"amount":30000,"showName":"showName1"}"#)
        var newer: [[String: Any]] = []
        try eventually("the second booking's events come after the last id") {
            newer = try stream(all.id).events
            return newer.contains { $0["correlationID"] as? String == "\(second)" }
        }
        #expect(Set(newer.map(place)).isDisjoint(with: all.events.map(place)), "nothing sent twice")

        let live = try browser.dom(stack.consoleURL + "/")
        for context in ["booking", "show", "pay", "issuance", "dashboard"] {
            #expect(live.contains("data-context=\"\(context)\""), "the map has \(context)")
        }
        #expect(live.contains(">ticketing.booking</text>"), "the map draws the booking topic's arrows")
        #expect(live.contains("calls · breaker closed"), "and booking's call to the show, its breaker closed")
        #expect(live.contains(">BookingPlaced</td>") && live.contains("/saga?id=\(booking)"), "the feed shows the saga's events, linked to it")
        #expect(live.contains(">BookingPlaced (dead letter)</td>"), "and the dead letter, marked")
        #expect(live.contains("broker connected"))
        #expect(live.contains("backlog 0 · lag 0"), "each service's outbox backlog and consumer lag, from its /metrics")
        #expect(live.contains("<td>ticketing.pay</td>"), "the groups' partitions are listed")

        // The feed's filters, as a link gives them: the second booking's saga alone, then one type.
        let secondSaga = try browser.dom(stack.consoleURL + "/?saga=\(second)")
        let rows = secondSaga.components(separatedBy: "<tr class=").dropFirst()
        #expect(!rows.isEmpty && rows.allSatisfy { $0.contains("/saga?id=\(second)\"") }, "only the second booking's events: \(rows)")
        let placedRows = try browser.dom(stack.consoleURL + "/?type=BookingPlaced").components(separatedBy: "<tr class=").dropFirst()
        #expect(placedRows.count >= 3 && placedRows.allSatisfy { $0.contains(">BookingPlaced") }, "only BookingPlaced: \(placedRows)")

        let screenshot = try ProjectPaths.temporaryDirectory("console").appendingPathComponent("console.png")
        try browser.screenshot(stack.consoleURL + "/", to: screenshot)
        let size = (try FileManager.default.attributesOfItem(atPath: screenshot.path)[.size] as? Int) ?? 0
        #expect(size > 20_000, "a screenshot of the page: \(size) bytes")

        // The show stopped: booking asks it of shows it has not heard of, those calls fail until its
        // breaker opens, and the map says both.
        #expect(try stack.control(["stop", "ticketing-show"]).status == 0)
        for _ in 0..<6 {
            let answer = try client.send(method: "POST", url: stack.gatewayURL + "/bookings", headers: ["Content-Type": "application/json"],
                                         body: Array(#"{"showId":424242,"qty":1,"amount":30000}"#.utf8), timeout: .seconds(10))
            #expect(answer.status == 503, "a booking of a show booking cannot ask about")
        }
        try eventually("the map shows the breaker open and the show not ready", timeout: .seconds(20)) {
            let page = try browser.dom(stack.consoleURL + "/", budget: .seconds(2))
            let show = page.components(separatedBy: "data-context=\"show\"").dropFirst().first ?? ""
            return page.contains("calls · breaker open") && show.prefix(400).contains("not ready")
        }

        let unknown = try browser.dom(stack.consoleURL + "/saga?id=no-such-saga")
        #expect(unknown.contains("No event with correlation id “no-such-saga”"))
        let groups = try Admin(properties: broker.properties()).consumerGroups().map(\.name)
        #expect(!groups.contains { $0.hasPrefix("devstack") }, "the console joins no consumer group: \(groups)")
    }

    @Test("the console gives its Kafka clients KAFKA_PROPERTIES as the services do, and refuses one librdkafka would")
    func kafkaProperties() throws {
        // Refused before it listens or connects: no port or broker is needed.
        let run = try runTool("devstack", ["console", "ticketing"],
                              environment: ["KAFKA_PROPERTIES": "no.such.property=1"], timeout: .seconds(30))
        #expect(run.status == 2 && run.stderr.contains("KAFKA_PROPERTIES") && run.stderr.contains("no.such.property"), "\(run)")
    }

    @Test("with the broker unreachable, the page says so, and the saga view answers in bounded time")
    func unreachableBroker() throws {
        let browser = try Browser()
        let refused = try LoopbackListener(listening: false)
        let port = try freePort()
        var environment = ["PORT": "\(port)", "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:\(refused.port)"]
        for context in ["BOOKING", "SHOW", "PAY", "ISSUANCE", "DASHBOARD"] { environment["\(context)_URL"] = "http://127.0.0.1:\(refused.port)" }
        let console = try ChildProcess(name: "console", executable: try ProjectPaths.executable("devstack"), arguments: ["console", "ticketing"],
                                       environment: environment, logDirectory: try ProjectPaths.temporaryDirectory("console"))
        defer { _ = console.stop() }
        let url = "http://127.0.0.1:\(port)"
        let problem = "the broker at 127.0.0.1:\(refused.port) does not answer"
        try eventually("the console says the broker does not answer") {
            let state = try? HTTPClient().send(method: "GET", url: url + "/api/state", timeout: .seconds(2))
            let object = state.flatMap { try? JSONSerialization.jsonObject(with: Data($0.body)) as? [String: Any] }
            return (object?["broker"] as? String)?.hasPrefix(problem) == true
        }
        let live = try browser.dom(url + "/")
        #expect(live.contains("class=\"status bad\"") && live.contains(problem), "the page says what is wrong")
        let started = ContinuousClock.now
        let saga = try browser.dom(url + "/saga?id=1", budget: .seconds(1))
        #expect(saga.contains("Cannot read the saga"), "\(saga.suffix(600))")
        #expect(ContinuousClock.now - started < .seconds(30))
    }
}
