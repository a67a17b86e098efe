import HTTP
import Kafka
import Synchronization

/// `up --broker mock`: librdkafka's mock cluster, three brokers inside devstack's own process,
/// which the control API stops and starts one at a time. A stopped broker closes its connections
/// and refuses new ones; the partitions it leads and the groups it coordinates stay with it, so
/// they are unreachable until it starts again while the other brokers' partitions go on: one
/// partition leader cut off from every client, the fault a single local broker cannot show.
final class MockBrokers: Sendable {
    static let count: Int32 = 3

    struct Status: Encodable {
        let id: Int32
        let state: String
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

    /// Each topic on every broker, led by one of them in turn. The mock cluster has no CreateTopics,
    /// so the services cannot create their own; a topic first produced to (a dead-letter topic) is
    /// created then, with the cluster's default of 4 partitions.
    func createTopics(_ names: [String], settings: TopicSettings) throws(Failure) {
        for name in names {
            do {
                try cluster.createTopic(name, partitions: settings.partitions, replicationFactor: Self.count)
            } catch {
                throw .failed("cannot create \(name) on the mock cluster: \(error.message)")
            }
        }
    }

    var status: [Status] {
        let stopped = self.stopped.withLock { $0 }
        return cluster.brokerIDs.map { Status(id: $0, state: stopped.contains($0) ? "stopped" : "running") }
    }

    func stop(_ id: Int32) throws(Problem) {
        try check(id)
        stopped.withLock { _ = $0.insert(id) }
        cluster.setDown(broker: id)
    }

    func start(_ id: Int32) throws(Problem) {
        try check(id)
        cluster.setUp(broker: id)
        stopped.withLock { _ = $0.remove(id) }
    }

    private func check(_ id: Int32) throws(Problem) {
        guard cluster.brokerIDs.contains(id) else {
            throw Problem.notFound("no broker \(id): the mock cluster's brokers are \(cluster.brokerIDs.lowerBound) to \(cluster.brokerIDs.upperBound)")
        }
    }
}
