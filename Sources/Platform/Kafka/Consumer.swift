import CRdKafka
import Synchronization

/// What a rebalance did to this member's assignment.
public enum RebalanceEvent: Sendable {
    case assigned([TopicPartition])
    case revoked([TopicPartition])
}

/// A consumer-group member, or (without `subscribe`) a plain reader of assigned partitions.
///
/// Offsets are stored only when the caller says a message is done (`store`), never on poll:
/// `enable.auto.offset.store=false`. Stored offsets are committed in the background, on every
/// revoke (so the next owner resumes where we stopped; not in the window after the broker lost
/// its state, see `resubscribeFromBeginning`) and on `close`.
///
/// Use one consumer from one thread at a time; librdkafka's handle itself is thread-safe.
public final class Consumer: @unchecked Sendable {
    private let handle: OpaquePointer
    private let callbacks: RebalanceCallbacks
    private var closed = false
    private var subscription: [String] = []

    /// `onRebalance` runs inside `poll`, after the assignment changed (assigned) or before it
    /// changes (revoked, after the stored offsets were committed).
    public init(properties: KafkaProperties, onRebalance: @escaping @Sendable (RebalanceEvent) -> Void = { _ in }) throws(KafkaError) {
        try LibraryVersion.requireSupported()
        var props: KafkaProperties = [
            "enable.auto.offset.store": "false",
            "enable.auto.commit": "true",
            "auto.commit.interval.ms": "1000",
            "auto.offset.reset": "earliest",
            "enable.partition.eof": "false",
        ]
        props.merge(properties) { _, new in new }
        let conf = try makeConf(props)
        callbacks = RebalanceCallbacks(onRebalance: onRebalance)
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(callbacks).toOpaque())
        rd_kafka_conf_set_rebalance_cb(conf) { rk, err, list, opaque in
            guard let rk, let opaque else { return }
            Unmanaged<RebalanceCallbacks>.fromOpaque(opaque).takeUnretainedValue().rebalance(rk, err, list)
        }
        handle = try makeHandle(RD_KAFKA_CONSUMER, conf: conf)
        // Serve rebalances and errors from consumer_poll, the only poll that resets max.poll.interval.ms.
        rd_kafka_poll_set_consumer(handle)
    }

    deinit {
        close()
        rd_kafka_destroy(handle)
    }

    /// For a broker that lost its state (its topics are back under new ids): joins the group
    /// again with the same topics, so the next assignment is computed from fresh metadata
    /// (librdkafka may not notice that a vanished topic came back), and every assignment in the
    /// next `window` starts each partition at its beginning (and no revoke in it commits). The
    /// offsets this member held, and any it committed to the new broker since (librdkafka commits
    /// on unassign), are positions in a log the broker no longer has: resuming from them would
    /// skip the new log's first records. A window, not just the next assignment: librdkafka holds
    /// a subscribe back while a rebalance of its own is under way, so that rebalance's assignment
    /// may come first and ours after it. The caller makes re-reading harmless (an inbox).
    ///
    /// With the cooperative protocol, partitions the member keeps through the rejoin keep their
    /// positions; the eager protocol (the default) revokes and assigns them all.
    public func resubscribeFromBeginning(window: Duration = .seconds(60)) throws(KafkaError) {
        let topics = subscription
        callbacks.fromBeginningUntil.withLock { $0 = .now + window }
        // Eager: subscribing again rejoins under the same member id. Leaving first would race a
        // join librdkafka may have in flight, and Tansu then keeps the member that left as the
        // group's leader for good: nobody gets partitions. Cooperative: an unchanged subscription
        // is no reason to rejoin, so the member leaves first.
        if rd_kafka_rebalance_protocol(handle).map({ String(cString: $0) }) == "COOPERATIVE" { rd_kafka_unsubscribe(handle) }
        try subscribe(topics)
    }

    public func subscribe(_ topics: [String]) throws(KafkaError) {
        subscription = topics
        let list = makePartitionList(topics.map { TopicPartition($0, RD_KAFKA_PARTITION_UA) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_subscribe(handle, list)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, context: "subscribe \(topics)") }
    }

    /// Reads the given partitions from their offsets, outside any group rebalancing.
    public func assign(_ parts: [TopicPartition]) throws(KafkaError) {
        let list = makePartitionList(parts)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_assign(handle, list)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, context: "assign") }
    }

    /// The next message, or nil when none arrived within `timeout`. Transient errors (broker
    /// down, ...) are reported to `onError` and polling goes on; fatal ones throw.
    public func poll(timeout: Duration, onError: (KafkaError) -> Void = { _ in }) throws(KafkaError) -> ConsumedMessage? {
        guard let m = rd_kafka_consumer_poll(handle, Int32(timeout.milliseconds)) else { return nil }
        defer { rd_kafka_message_destroy(m) }
        guard m.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            if let fatal = Producer.fatalError(of: handle) { throw fatal }
            let reason = m.pointee.payload.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) }
            onError(KafkaError(m.pointee.err, context: reason))
            return nil
        }
        return ConsumedMessage(copying: m)
    }

    /// Marks `message` done: the group resumes after it (a stored offset is the message's + 1).
    public func store(_ message: ConsumedMessage) throws(KafkaError) {
        let list = makePartitionList([TopicPartition(message.topic, message.partition, offset: message.offset + 1)])
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_offsets_store(handle, list)
        // A partition revoked meanwhile is not ours to store for: the next owner re-reads it.
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__STATE else {
            throw KafkaError(err, context: "store offset of \(message.topic)[\(message.partition)]@\(message.offset)")
        }
    }

    /// Commits the stored offsets now and waits for the broker's answer.
    public func commit() throws(KafkaError) {
        let err = rd_kafka_commit(handle, nil, 0)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__NO_OFFSET else {
            throw KafkaError(err, context: "commit")
        }
    }

    /// The partitions currently assigned to this member.
    public var assignment: [TopicPartition] {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        guard rd_kafka_assignment(handle, &list) == RD_KAFKA_RESP_ERR_NO_ERROR else { return [] }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        return partitions(of: list).map(\.0)
    }

    /// How many records this member is behind on each assigned partition: the log end its last
    /// fetch saw minus the position of the next record `poll` returns. Local figures, no broker
    /// round trip; a partition with no position or log end yet is left out.
    public func lag() -> [TopicPartition: Int64] {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        guard rd_kafka_assignment(handle, &list) == RD_KAFKA_RESP_ERR_NO_ERROR else { return [:] }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        guard rd_kafka_position(handle, list) == RD_KAFKA_RESP_ERR_NO_ERROR else { return [:] }
        var lag: [TopicPartition: Int64] = [:]
        for (part, _) in partitions(of: list) where part.offset >= 0 {
            var low: Int64 = 0, high: Int64 = 0
            guard rd_kafka_get_watermark_offsets(handle, part.topic, part.partition, &low, &high) == RD_KAFKA_RESP_ERR_NO_ERROR,
                  high >= 0 else { continue }
            lag[TopicPartition(part.topic, part.partition)] = max(0, high - part.offset)
        }
        return lag
    }

    /// Commits stored offsets and leaves the group, so partitions move on without waiting for a
    /// session timeout. Rebalance callbacks run during close. Idempotent.
    public func close() {
        guard !closed else { return }
        closed = true
        rd_kafka_consumer_close(handle)
    }
}

/// Applies assignments the way the group's protocol requires, committing before giving up partitions.
private final class RebalanceCallbacks: Sendable {
    let onRebalance: @Sendable (RebalanceEvent) -> Void
    /// Set by `resubscribeFromBeginning`: until then assignments start at each partition's
    /// beginning and revokes commit nothing (the offsets held may be the lost log's).
    let fromBeginningUntil = Mutex<ContinuousClock.Instant?>(nil)

    private var afterStateLoss: Bool { fromBeginningUntil.withLock { $0 }.map { ContinuousClock.now < $0 } ?? false }

    init(onRebalance: @escaping @Sendable (RebalanceEvent) -> Void) { self.onRebalance = onRebalance }

    func rebalance(_ rk: OpaquePointer, _ err: rd_kafka_resp_err_t, _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) {
        // NULL when the member has no protocol (it just lost its membership): eager, then.
        let cooperative = rd_kafka_rebalance_protocol(rk).map { String(cString: $0) } == "COOPERATIVE"
        let parts = partitions(of: list).map(\.0)
        if err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS {
            if let list, afterStateLoss {
                for i in 0..<Int(list.pointee.cnt) { list.pointee.elems[i].offset = TopicPartition.beginning }
            }
            if cooperative {
                if let error = rd_kafka_incremental_assign(rk, list) { rd_kafka_error_destroy(error) }
            } else {
                rd_kafka_assign(rk, list)
            }
            onRebalance(.assigned(parts))
        } else {
            // Lost partitions already belong to someone else: committing for them would be wrong.
            if rd_kafka_assignment_lost(rk) == 0 && !afterStateLoss { rd_kafka_commit(rk, nil, 0) }
            onRebalance(.revoked(parts))
            if cooperative {
                if let error = rd_kafka_incremental_unassign(rk, list) { rd_kafka_error_destroy(error) }
            } else {
                rd_kafka_assign(rk, nil)
            }
        }
    }
}
