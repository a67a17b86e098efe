import Chassis
import Foundation
import Kafka
import Testing
import TestSupport
import Ticketing

/// What every scenario test's stop checks: each record on the system's topics against the
/// committed AsyncAPI document. Here on records written by hand, so that each kind of breach is seen.
@Suite("Ticketing: records on the topics checked against the contract")
struct ContractTrafficTests {
    @Test("a conforming event passes; a missing field, a wrong type, an unknown event type and an unknown topic are each named")
    func namesEachBreach() throws {
        let broker = try TestBroker(label: "contract-traffic")
        defer { broker.stop() }
        try broker.createTopics([TopicSpec(Topics.booking, partitions: 1), TopicSpec("ticketing.unknown", partitions: 1)])
        let producer = try Producer(properties: broker.properties())
        func send(_ type: String, _ payload: String, to topic: String = Topics.booking) throws {
            let envelope = EventEnvelope(type: type, source: "ticketing-booking", subject: "1", correlationID: "1", data: Array(payload.utf8))
            try producer.sendAndWait(OutgoingMessage(topic: topic, key: Array("1".utf8), value: envelope.data, headers: envelope.headers))
        }
        let placed = #"{"id":1,"showId":2,"showName":"Cats","qty":1,"amount":100,"bookStatus":"Booked"}"#
        try send("BookingPlaced", placed)
        try send("BookingPlaced", #"{"id":1,"showId":2,"qty":1,"amount":100,"bookStatus":"Booked"}"#)
        try send("BookingPlaced", #"{"id":"1","showId":2,"showName":"Cats","qty":1,"amount":100,"bookStatus":"Booked"}"#)
        try send("BookingRebooked", placed)
        try send("BookingPlaced", placed, to: "ticketing.unknown")

        let report = try ContractTraffic.check(ticketing, on: broker)
        #expect(report.records == 5 && report.deadLetters.isEmpty)
        // Each breach as the message's schema says, and as each consumer of the topic reads the event.
        #expect(report.problems.sorted() == [
            "BookingPlaced on ticketing.booking: as ticketing.dashboard reads it, at payload.id: expected integer, found \"1\" (offset 2 of partition 0)",
            "BookingPlaced on ticketing.booking: as ticketing.dashboard reads it, at payload: showName is missing (offset 1 of partition 0)",
            "BookingPlaced on ticketing.booking: as ticketing.show reads it, at payload.id: expected integer, found \"1\" (offset 2 of partition 0)",
            "BookingPlaced on ticketing.booking: as ticketing.show reads it, at payload: showName is missing (offset 1 of partition 0)",
            "BookingPlaced on ticketing.booking: at payload.id: expected integer, found \"1\" (offset 2 of partition 0)",
            "BookingPlaced on ticketing.booking: at payload: showName is missing (offset 1 of partition 0)",
            "ticketing.booking carries BookingRebooked, which is not one of its messages (offset 3 of partition 0)",
            "ticketing.unknown is not a channel of the document (offset 0 of partition 0)",
        ], "\(report.problems)")
    }
}
