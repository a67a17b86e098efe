import Kafka

/// Reads whole topics of the cluster (`TopicScan`), a stall being one line of eventctl's.
struct TopicReader {
    let cluster: Cluster

    func readAll(_ topics: [String], partitionCounts: [String: Int32], _ visit: (ConsumedMessage) throws -> Void) throws {
        do {
            try TopicScan(admin: try cluster.admin(), reader: { try cluster.reader() }, timeout: cluster.timeout)
                .readAll(topics, partitionCounts: partitionCounts, visit)
        } catch let stalled as TopicScanStalled {
            throw Failure.failed(stalled.description)
        }
    }
}
