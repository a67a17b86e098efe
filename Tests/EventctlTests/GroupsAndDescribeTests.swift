import Foundation
import Kafka
import Testing
import TestSupport

@Suite("eventctl groups and describe against a real broker", .serialized)
struct GroupsAndDescribeTests {
    @Test("groups lists each group with its state and member count, in a table and as JSON")
    func groups() throws {
        let broker = try TestBroker()
        try broker.createTopics([TopicSpec("shop.cart", partitions: 1)])
        try publish(broker, "shop.cart")
        try consume(broker, group: "shop.idle", topics: ["shop.cart"], count: 1)
        let member = try ActiveMember(broker, group: "shop.busy", topics: ["shop.cart"], committing: 1)

        let table = try eventctl(["groups"], broker: broker.bootstrapServers)
        #expect(table.status == 0, "\(table)")
        #expect(table.stdout.hasPrefix("GROUP"))
        #expect(table.rows.map { $0.split(separator: " ", omittingEmptySubsequences: true) } == [["shop.busy", "Stable", "1"], ["shop.idle", "Empty", "0"]])

        // The broker address also comes from KAFKA_BOOTSTRAP_SERVERS.
        let json = try eventctl(["groups", "--json"], broker: nil, environment: ["KAFKA_BOOTSTRAP_SERVERS": broker.bootstrapServers])
        try member.leave()
        #expect(json.status == 0, "\(json)")
        let rows = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(rows?.map { "\($0["group"]!) \($0["state"]!) \($0["members"]!)" } == ["shop.busy Stable 1", "shop.idle Empty 0"])
    }

    @Test("describe shows each partition's committed offset, log end and lag, the total lag, and warns that nobody consumes")
    func describeStoppedGroup() throws {
        let broker = try TestBroker()
        try broker.createTopics([TopicSpec("shop.order", partitions: 2)])
        for partition: Int32 in [0, 0, 1] { try publish(broker, "shop.order", partition: partition) }
        try consume(broker, group: "shop.mypage", topics: ["shop.order"], count: 3)
        for _ in 0..<2 { try publish(broker, "shop.order", partition: 0) }

        let run = try eventctl(["describe", "shop.mypage"], broker: broker.bootstrapServers)
        #expect(run.status == 0, "\(run)")
        let lines = run.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(lines.first == ["GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID"])
        #expect(lines.dropFirst().first == ["shop.mypage", "shop.order", "0", "2", "4", "2", "-", "-", "-"])
        #expect(lines.dropFirst(2).first == ["shop.mypage", "shop.order", "1", "1", "1", "0", "-", "-", "-"])
        #expect(lines.last == ["TOTAL-LAG", "2"])
        #expect(run.stderrLines == ["warning: consumer group 'shop.mypage' has no active members"])

        let json = try eventctl(["describe", "shop.mypage", "--json"], broker: broker.bootstrapServers)
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(report?["totalLag"] as? Int == 2)
        #expect(report?["state"] as? String == "Empty")
        let partitions = report?["partitions"] as? [[String: Any]] ?? []
        #expect(partitions.map { "\($0["partition"]!) \($0["currentOffset"]!) \($0["logEndOffset"]!) \($0["lag"]!)" } == ["0 2 4 2", "1 1 1 0"])
        #expect(partitions.allSatisfy { $0["consumerId"] == nil })
    }

    @Test("describe lists an active member by its consumer id and gives no warning")
    func describeActiveGroup() throws {
        let broker = try TestBroker()
        try broker.createTopics([TopicSpec("shop.gift", partitions: 1)])
        try publish(broker, "shop.gift")
        let member = try ActiveMember(broker, group: "shop.view", topics: ["shop.gift"], committing: 1)
        let run = try eventctl(["describe", "shop.view", "--json"], broker: broker.bootstrapServers)
        try member.leave()

        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.isEmpty)
        let report = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        #expect(report?["state"] as? String == "Stable")
        let members = report?["members"] as? [[String: Any]] ?? []
        #expect(members.count == 1)
        #expect((members.first?["consumerId"] as? String)?.isEmpty == false)
    }

    @Test("describe of a group the broker does not know fails with one line and exit 1")
    func describeUnknownGroup() throws {
        let broker = try TestBroker()
        let run = try eventctl(["describe", "no.such.group"], broker: broker.bootstrapServers)
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
        #expect(run.stderrLines == ["eventctl: consumer group 'no.such.group' does not exist (eventctl groups lists them)"])
    }
}
