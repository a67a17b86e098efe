import Foundation
import Kafka
import Testing
import TestSupport

@Suite("eventctl trace and tail against a real broker", .serialized)
struct TraceAndTailTests {
    @Test("trace prints one saga's events across topics in time order, without dead letters or other sagas")
    func trace() throws {
        let broker = try TestBroker()
        try broker.createTopics([
            TopicSpec("ticketing.booking", partitions: 2), TopicSpec("ticketing.pay", partitions: 1),
            TopicSpec("ticketing.booking.dlq.ticketing.pay", partitions: 1), TopicSpec("gift.cart", partitions: 1),
        ])
        // Published out of time order: trace orders by ce_time, not by arrival.
        try publish(broker, "ticketing.pay", type: "PaymentApproved", source: "pay", correlation: "b-1", key: "p-9", time: "2026-11-21T10:00:01.000Z")
        try publish(broker, "ticketing.booking", type: "BookingPlaced", source: "booking", correlation: "b-1", key: "b-1", time: "2026-11-21T10:00:00.000Z")
        try publish(broker, "ticketing.booking", type: "BookingPlaced", source: "booking", correlation: "b-2", key: "b-2", time: "2026-11-21T10:00:00.500Z")
        try publish(broker, "ticketing.booking", type: "BookingConfirmed", source: "booking", correlation: "b-1", key: "b-1", time: "2026-11-21T10:00:02.000Z")
        try publish(broker, "ticketing.booking.dlq.ticketing.pay", type: "BookingPlaced", correlation: "b-1", key: "b-1")
        try publish(broker, "gift.cart", type: "CartCreated", source: "cart", correlation: "b-1", key: "c-1", time: "2026-11-21T10:00:03.000Z")

        let run = try eventctl(["trace", "b-1", "--system", "ticketing"], broker: broker.bootstrapServers)
        #expect(run.status == 0, "\(run)")
        let lines = run.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(lines.first == ["TIME", "TYPE", "SOURCE", "KEY", "TOPIC", "PARTITION", "OFFSET"])
        #expect(lines.dropFirst().map { Array($0[0..<5]) } == [
            ["2026-11-21T10:00:00.000Z", "BookingPlaced", "booking", "b-1", "ticketing.booking"],
            ["2026-11-21T10:00:01.000Z", "PaymentApproved", "pay", "p-9", "ticketing.pay"],
            ["2026-11-21T10:00:02.000Z", "BookingConfirmed", "booking", "b-1", "ticketing.booking"],
        ])

        let everywhere = try eventctl(["trace", "b-1"], broker: broker.bootstrapServers)
        #expect(everywhere.rows.map { $0.split(separator: " ", omittingEmptySubsequences: true)[1] } == ["BookingPlaced", "PaymentApproved", "BookingConfirmed", "CartCreated"])
        let oneTopic = try eventctl(["trace", "b-1", "--topic", "ticketing.pay"], broker: broker.bootstrapServers)
        #expect(oneTopic.rows.count == 1)

        let none = try eventctl(["trace", "b-404", "--system", "ticketing"], broker: broker.bootstrapServers)
        #expect(none.status == 1)
        #expect(none.stdout.isEmpty)
        #expect(none.stderrLines == ["eventctl: no event with correlation_id 'b-404' in 2 topic(s): ticketing.booking, ticketing.pay"])
    }

    @Test("tail prints each event published after it started, with its envelope and data")
    func tail() throws {
        let broker = try TestBroker()
        try broker.createTopics([TopicSpec("gift.order", partitions: 2)])
        try publish(broker, "gift.order", type: "OrderPlaced", data: "{\"old\":true}")
        let tail = try ChildProcess(name: "eventctl-tail", executable: try ProjectPaths.executable("eventctl"),
                                    arguments: ["tail", "gift.order", "--max-messages", "2", "--bootstrap-server", broker.bootstrapServers],
                                    logDirectory: broker.directory)
        try eventually("tail has started", timeout: .seconds(20)) { tail.log.contains("following gift.order (2 partitions) from the end") }

        let id = try publish(broker, "gift.order", type: "OrderPaid", source: "payment", correlation: "o-7", key: "o-7", data: "{\"orderId\":\"o-7\"}",
                             time: "2026-11-21T11:00:00.000Z", partition: 1)
        try publish(broker, "gift.order", type: "OrderShipped", data: "{\"orderId\":\"o-8\"}", partition: 0)
        #expect(tail.waitForExit(timeout: .seconds(20)), "\(tail.log)")
        #expect(tail.exitStatus == 0)
        let log = tail.log
        #expect(log.contains("""
            --- gift.order partition 1 offset 0 key o-7 time 2026-11-21T11:00:00.000Z
            ce_specversion: 1.0
            ce_id: \(id)
            ce_type: OrderPaid
            ce_source: payment
            ce_time: 2026-11-21T11:00:00.000Z
            ce_subject: o-7
            correlation_id: o-7
            content-type: application/json
            {"orderId":"o-7"}
            """))
        #expect(log.contains("ce_type: OrderShipped"))
        #expect(!log.contains("\"old\""))
    }

    @Test("Ctrl-C ends a tail normally: exit 0")
    func tailInterrupted() throws {
        let broker = try TestBroker()
        try broker.createTopics([TopicSpec("gift.order", partitions: 1)])
        let tail = try ChildProcess(name: "eventctl-tail", executable: try ProjectPaths.executable("eventctl"),
                                    arguments: ["tail", "gift.order", "--bootstrap-server", broker.bootstrapServers],
                                    logDirectory: broker.directory)
        defer { tail.kill9() }
        try eventually("tail has started", timeout: .seconds(20)) { tail.log.contains("following gift.order") }
        kill(tail.pid, SIGINT)
        #expect(tail.waitForExit(timeout: .seconds(5)), "\(tail.log)")
        #expect(tail.exitStatus == 0, "\(tail.log)")
    }
}
