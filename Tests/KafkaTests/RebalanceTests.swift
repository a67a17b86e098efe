import Foundation
import Kafka
import Synchronization
import Testing
import TestSupport

@Suite("Consumer-group rebalancing", .serialized)
struct RebalanceTests {
    /// Two members of one group on their own threads; returns what each consumed.
    private func consumeWithTwoMembers(strategy: String) throws -> [[String]] {
        let broker = try TestBroker()
        let topic = "rebalance.\(strategy)"
        try broker.createTopics([TopicSpec(topic, partitions: 4)])
        let producer = try Producer(properties: broker.properties())
        for i in 0..<40 {
            try producer.sendAndWait(OutgoingMessage(topic: topic, key: Array("k\(i)".utf8), value: Array("\(i)".utf8)))
        }
        var props = broker.properties(["group.id": "g-\(strategy)", "partition.assignment.strategy": strategy])
        props.merge(TestBroker.fastGroupProperties) { a, _ in a }
        let members = try (0..<2).map { _ in try Consumer(properties: props) }
        try members.forEach { try $0.subscribe([topic]) }

        let seen = Mutex<[[String]]>([[], []])
        let deadline = ContinuousClock.now + .seconds(60)
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            while ContinuousClock.now < deadline, seen.withLock({ $0.joined().count }) < 40 {
                guard let m = try? members[index].poll(timeout: .milliseconds(100)) else { continue }
                seen.withLock { $0[index].append(String(decoding: m.value, as: UTF8.self)) }
                try? members[index].store(m)
            }
        }
        members.forEach { $0.close() }
        return seen.withLock { $0 }
    }

    @Test("with the eager protocol two members sharing a group together read every message exactly once")
    func eager() throws {
        let seen = try consumeWithTwoMembers(strategy: "range")
        #expect(seen.joined().sorted() == (0..<40).map(String.init).sorted())
    }

    @Test("with the cooperative protocol two members sharing a group together read every message exactly once")
    func cooperative() throws {
        let seen = try consumeWithTwoMembers(strategy: "cooperative-sticky")
        #expect(seen.joined().sorted() == (0..<40).map(String.init).sorted())
    }
}
