/// How the systems create their topics. The log is what views are rebuilt from and what a
/// consumer that was down reads on its return, so retention is unlimited unless told otherwise,
/// and on a cluster of three or more brokers every partition has three replicas, two of which
/// must have a write before it is acknowledged.
public struct TopicSettings: Sendable, Equatable {
    public var partitions: Int32
    /// nil: 3 on a cluster of three or more brokers, else 1.
    public var replicationFactor: Int32?
    /// nil: 2 when the replication factor is 3 or more, else 1.
    public var minInsyncReplicas: Int32?
    /// -1: kept forever.
    public var retentionMs: Int64

    public init(partitions: Int32 = 3, replicationFactor: Int32? = nil, minInsyncReplicas: Int32? = nil, retentionMs: Int64 = -1) {
        self.partitions = partitions; self.replicationFactor = replicationFactor
        self.minInsyncReplicas = minInsyncReplicas; self.retentionMs = retentionMs
    }

    /// The topics to create on a cluster of `brokers` brokers.
    public func specs(_ names: [String], brokers: Int) -> [TopicSpec] {
        let replicas = replicationFactor ?? (brokers >= 3 ? 3 : 1)
        let insync = minInsyncReplicas ?? (replicas >= 3 ? 2 : 1)
        return names.map {
            TopicSpec($0, partitions: partitions, replicationFactor: replicas,
                      configs: ["min.insync.replicas": "\(insync)", "retention.ms": "\(retentionMs)"])
        }
    }
}
