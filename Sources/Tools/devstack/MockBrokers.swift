import HTTP
import Kafka
import Synchronization

/// `up --broker mock`: librdkafka's mock cluster, three brokers inside devstack's own process,
/// which the control API stops and starts, one stopped at a time. A stopped broker refuses
/// connections (and, as seen, may leave a request unanswered on one it had); the partitions it
/// leads and the groups it coordinates stay with it, so they are unreachable until it starts
/// again while the other brokers' partitions go on: a partition leader cut off from every
/// client, the fault a single local broker cannot show. Partition p of every topic is led by
/// broker p mod 3 + 1, so a replay cuts off the same partitions.
final class MockBrokers: Sendable {
    static let count: Int32 = 3
    /// Each topic devstack makes has the services' default number of partitions.
    static let partitions = TopicSettings().partitions

    struct Status: Encodable {
        let id: Int32
        let state: String
        /// The partition of every topic devstack made that it leads.
        let leads: [Int32]
    }

    private let cluster: MockCluster
    private let stopped = Mutex<Set<Int32>>([])

    init() throws(Failure) {
        do {
            cluster = try MockCluster(brokers: Self.count)
        } catch {
            throw .failed("cannot start librdkafka's mock cluster: \(error.message)")
        }
    }

    var bootstrapServers: String { cluster.bootstrapServers }

    /// Each topic on every broker, its partitions led by the brokers in turn. The mock cluster has
    /// no CreateTopics, so the services cannot create their own; a topic first produced to (a
    /// dead-letter topic) is created then, with the cluster's default of 4 partitions, led at random.
    func createTopics(_ names: [String]) throws(Failure) {
        for name in names {
            do {
                try cluster.createTopic(name, partitions: Self.partitions, replicationFactor: Self.count)
                for partition in 0..<Self.partitions {
                    try cluster.setLeader(of: name, partition: partition, to: Self.leader(of: partition))
                }
            } catch {
                throw .failed("cannot create \(name) on the mock cluster: \(error.message)")
            }
        }
    }

    static func leader(of partition: Int32) -> Int32 { partition % count + 1 }

    var status: [Status] {
        let stopped = self.stopped.withLock { $0 }
        return cluster.brokerIDs.map { id in
            Status(id: id, state: stopped.contains(id) ? "stopped" : "running",
                   leads: (0..<Self.partitions).filter { Self.leader(of: $0) == id })
        }
    }

    /// A `409` while another broker is stopped: one leader cut off at a time.
    func stop(_ id: Int32) throws(Problem) {
        try check(id)
        try stopped.withLock { stopped throws(Problem) in
            if let other = stopped.first(where: { $0 != id }) { throw Problem.conflict("broker \(other) is stopped; start it first") }
            stopped.insert(id)
            cluster.setDown(broker: id)
        }
    }

    func start(_ id: Int32) throws(Problem) {
        try check(id)
        stopped.withLock { stopped in
            cluster.setUp(broker: id)
            stopped.remove(id)
        }
    }

    private func check(_ id: Int32) throws(Problem) {
        guard cluster.brokerIDs.contains(id) else {
            throw Problem.notFound("no broker \(id): the mock cluster's brokers are \(cluster.brokerIDs.lowerBound) to \(cluster.brokerIDs.upperBound)")
        }
    }
}
