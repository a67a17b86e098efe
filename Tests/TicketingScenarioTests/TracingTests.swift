import Foundation
import HTTP
import Testing
import TestSupport
import Ticketing

@Suite("Ticketing: one booking's saga is one trace across the gateway and the five services", .serialized)
struct TracingTests {
    @Test("a booking made with the client's traceparent is traced through every request, call, publish and policy run, as one tree")
    func oneSagaOneTrace() throws {
        let collector = try TraceCollector()
        defer { collector.stop() }
        let exporting = collector.environment.merging(["LOG_LEVEL": "debug"]) { _, own in own }
        var environment = ["gateway": exporting]
        for context in ticketing.contexts { environment[context.name] = exporting }
        let stack = try TicketingStack("tracing", environment: environment)
        defer { stack.stop() }
        let show = try stack.registerShow(seats: 100)

        let traceID = (0..<4).map { _ in String(format: "%08x", UInt32.random(in: 1...UInt32.max)) }.joined()
        let clientSpan = "00f067aa0ba902b7"
        let placed = try HTTPClient().send(method: "POST", url: stack.gateway.baseURL + "/bookings", headers: [
            "Content-Type": "application/json", "traceparent": "00-\(traceID)-\(clientSpan)-01", "tracestate": "client=1",
        ], body: Array(#"{"showId":\#(show.id),"qty":10,"amount":30000,"showName":"showName1"}"#.utf8), timeout: .seconds(10))
        #expect(placed.status == 201, "\(String(decoding: placed.body, as: UTF8.self))")
        let booking = try JSONDecoder().decode(Booking.self, from: Data(placed.body))
        try eventually("the saga reaches the dashboard") {
            try stack.showStatuses().map(\.summary) == ["\(booking.id) showName1 ×10 300000 Confirmed/Paid/Issuable"]
        }

        let services = ["gateway"] + ticketing.contexts.map(\.executable)
        try eventually("every service exported its spans of the trace") {
            Set(collector.spans.filter { $0.traceID == traceID }.map(\.service)).isSuperset(of: services)
        }
        Thread.sleep(forTimeInterval: 0.5)   // the last batches of the saga's tail
        let spans = collector.spans.filter { $0.traceID == traceID }
        let byID = Dictionary(spans.map { ($0.spanID, $0) }) { first, _ in first }
        #expect(collector.malformed == 0)
        #expect(byID.count == spans.count, "span ids are unique")
        #expect(!spans.contains { $0.statusCode == 2 }, "nothing failed: \(spans.filter { $0.statusCode == 2 }.map(\.name))")

        // One tree: the gateway's span is the client's child, every other span has its parent in the trace.
        let gateway = try #require(spans.first { $0.service == "gateway" && $0.name == "POST /bookings" })
        #expect(gateway.parentSpanID == clientSpan && gateway.kind == 2)
        for span in spans where span.spanID != gateway.spanID {
            #expect(span.parentSpanID.map { byID[$0] != nil } == true, "\(span.service) \(span.name) hangs from nothing in the trace")
        }
        func parent(of span: TraceCollector.CollectedSpan) -> TraceCollector.CollectedSpan? { span.parentSpanID.flatMap { byID[$0] } }

        // The request: gateway → booking's server span → its events, published in producer spans.
        let request = try #require(spans.first { $0.service == "ticketing-booking" && $0.kind == 2 && $0.name == "POST /bookings" })
        #expect(request.parentSpanID == gateway.spanID && request.attributes["http.response.status_code"] == "201")
        #expect(spans.contains { $0.kind == 4 && $0.service == "ticketing-booking" && $0.parentSpanID == request.spanID },
                "BookingPlaced is published in the request's trace")

        // Every other service runs a policy on an event of the saga, each a consumer span whose
        // parent is the publish of the event it processed, itself a child of the work that published it.
        for service in services.dropFirst(2) {
            let runs = spans.filter { $0.service == service && $0.kind == 5 }
            #expect(!runs.isEmpty, "\(service) processed no event of the trace")
            for run in runs {
                let publish = try #require(parent(of: run))
                #expect(publish.kind == 4 && publish.attributes["messaging.message.id"] == run.attributes["messaging.message.id"],
                        "\(service)'s \(run.name) follows the publish of its event")
                #expect(parent(of: publish).map { [2, 5].contains($0.kind) } == true, "a publish hangs from a request or a policy run")
            }
        }
        #expect(!spans.contains { $0.name.contains("\(booking.id)") }, "span names hold no ids")

        // The saga's path, hop by hop: each policy run's event was published by the run before it.
        func run(_ service: String, _ type: String) throws -> TraceCollector.CollectedSpan {
            try #require(spans.first { $0.service == "ticketing-\(service)" && $0.kind == 5 && $0.attributes["event.type"] == type },
                         "\(service) processed no \(type) of the trace")
        }
        var previous = request
        for (service, type) in [("show", "BookingPlaced"), ("booking", "SeatsReserved"), ("pay", "BookingConfirmed"),
                                ("issuance", "PaymentApproved"), ("dashboard", "TicketIssuable")] {
            let next = try run(service, type)
            #expect(parent(of: next).flatMap(parent(of:))?.spanID == previous.spanID, "\(type) in \(service) follows \(previous.name)")
            previous = next
        }

        // The services' log lines carry the trace.
        for service in [stack.booking, stack.show] {
            #expect(service.log.contains(#""trace_id":"\#(traceID)""#), "\(service.name) logs no line of the trace")
        }
        #expect(stack.gateway.log.contains(#""trace_id":"\#(traceID)""#))
    }
}
