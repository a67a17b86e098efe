import CRdKafka
import Glibc

/// A consumer group's state, named as Kafka's own tools print it.
public enum ConsumerGroupState: String, Sendable {
    case unknown = "Unknown"
    case preparingRebalance = "PreparingRebalance"
    case completingRebalance = "CompletingRebalance"
    case stable = "Stable"
    case dead = "Dead"
    case empty = "Empty"

    init(_ state: rd_kafka_consumer_group_state_t) {
        switch state {
        case RD_KAFKA_CONSUMER_GROUP_STATE_PREPARING_REBALANCE: self = .preparingRebalance
        case RD_KAFKA_CONSUMER_GROUP_STATE_COMPLETING_REBALANCE: self = .completingRebalance
        case RD_KAFKA_CONSUMER_GROUP_STATE_STABLE: self = .stable
        case RD_KAFKA_CONSUMER_GROUP_STATE_DEAD: self = .dead
        case RD_KAFKA_CONSUMER_GROUP_STATE_EMPTY: self = .empty
        default: self = .unknown
        }
    }

    public var isRebalancing: Bool { self == .preparingRebalance || self == .completingRebalance }
}

/// One member of a consumer group. Brokers may leave host and client id empty.
public struct ConsumerGroupMember: Sendable {
    public let consumerID: String
    public let clientID: String
    public let host: String
    public let assignment: [TopicPartition]
}

public struct ConsumerGroupListing: Sendable {
    public let name: String
    public let state: ConsumerGroupState
}

public struct ConsumerGroupDescription: Sendable {
    public let name: String
    public let state: ConsumerGroupState
    public let members: [ConsumerGroupMember]
}

extension Admin {
    /// Every consumer group the cluster knows, with its state. Some brokers (Tansu) answer state
    /// `unknown` here: `describeConsumerGroups` has the state and the members.
    public func consumerGroups(timeout: Duration = .seconds(10)) throws(KafkaError) -> [ConsumerGroupListing] {
        let options = adminOptions(RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS, timeout: timeout)
        defer { rd_kafka_AdminOptions_destroy(options) }
        rd_kafka_ListConsumerGroups(handle, options, queue)
        let event = try awaitEvent(timeout: timeout, operation: "list consumer groups")
        defer { rd_kafka_event_destroy(event) }
        let result = rd_kafka_event_ListConsumerGroups_result(event)
        // A partial answer would silently hide groups: any broker's error fails the call.
        var errorCount = 0
        if let errors = rd_kafka_ListConsumerGroups_result_errors(result, &errorCount), errorCount > 0, let first = errors[0] {
            throw KafkaError(borrowing: first, context: "list consumer groups")
        }
        var count = 0
        guard let listings = rd_kafka_ListConsumerGroups_result_valid(result, &count) else { return [] }
        return (0..<count).map { i in
            ConsumerGroupListing(name: String(cString: rd_kafka_ConsumerGroupListing_group_id(listings[i])),
                                 state: ConsumerGroupState(rd_kafka_ConsumerGroupListing_state(listings[i])))
        }
    }

    /// State and members of each named group; throws when the broker cannot describe one.
    public func describeConsumerGroups(_ names: [String], timeout: Duration = .seconds(10)) throws(KafkaError) -> [ConsumerGroupDescription] {
        guard !names.isEmpty else { return [] }
        let options = adminOptions(RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS, timeout: timeout)
        defer { rd_kafka_AdminOptions_destroy(options) }
        let cNames = names.map { strdup($0) }
        defer { cNames.forEach { free($0) } }
        var pointers = cNames.map { UnsafePointer($0) }
        rd_kafka_DescribeConsumerGroups(handle, &pointers, pointers.count, options, queue)
        let event = try awaitEvent(timeout: timeout, operation: "describe consumer groups")
        defer { rd_kafka_event_destroy(event) }
        var count = 0
        guard let groups = rd_kafka_DescribeConsumerGroups_result_groups(rd_kafka_event_DescribeConsumerGroups_result(event), &count) else { return [] }
        var descriptions: [ConsumerGroupDescription] = []
        for i in 0..<count {
            let group = groups[i]
            let name = String(cString: rd_kafka_ConsumerGroupDescription_group_id(group))
            if let error = rd_kafka_ConsumerGroupDescription_error(group) {
                throw KafkaError(borrowing: error, context: "describe consumer group \(name)")
            }
            let members = (0..<rd_kafka_ConsumerGroupDescription_member_count(group)).map { m in
                let member = rd_kafka_ConsumerGroupDescription_member(group, m)
                let assigned = rd_kafka_MemberDescription_assignment(member).flatMap(rd_kafka_MemberAssignment_partitions)
                return ConsumerGroupMember(consumerID: String(cString: rd_kafka_MemberDescription_consumer_id(member)),
                                           clientID: String(cString: rd_kafka_MemberDescription_client_id(member)),
                                           host: String(cString: rd_kafka_MemberDescription_host(member)),
                                           assignment: partitions(of: UnsafeMutablePointer(mutating: assigned)).map(\.0))
            }
            descriptions.append(ConsumerGroupDescription(name: name, state: ConsumerGroupState(rd_kafka_ConsumerGroupDescription_state(group)),
                                                         members: members))
        }
        return descriptions
    }

    /// The group's committed offsets, one per partition it has committed for.
    public func committedOffsets(group: String, timeout: Duration = .seconds(10)) throws(KafkaError) -> [TopicPartition] {
        let options = adminOptions(RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, timeout: timeout)
        defer { rd_kafka_AdminOptions_destroy(options) }
        // No partition list means "every partition the group has committed for".
        var request: OpaquePointer? = rd_kafka_ListConsumerGroupOffsets_new(group, nil)
        defer { rd_kafka_ListConsumerGroupOffsets_destroy(request) }
        rd_kafka_ListConsumerGroupOffsets(handle, &request, 1, options, queue)
        let event = try awaitEvent(timeout: timeout, operation: "list offsets of group \(group)")
        defer { rd_kafka_event_destroy(event) }
        var count = 0
        let results = rd_kafka_ListConsumerGroupOffsets_result_groups(rd_kafka_event_ListConsumerGroupOffsets_result(event), &count)
        return try groupResult(results, count: count, context: "list offsets of group \(group)")
            .filter { $0.offset >= 0 }
    }

    /// Sets the group's committed offsets. Brokers refuse it while the group has active members.
    public func alterCommittedOffsets(group: String, _ offsets: [TopicPartition], timeout: Duration = .seconds(10)) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        let options = adminOptions(RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS, timeout: timeout)
        defer { rd_kafka_AdminOptions_destroy(options) }
        let list = makePartitionList(offsets)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        var request: OpaquePointer? = rd_kafka_AlterConsumerGroupOffsets_new(group, list)
        defer { rd_kafka_AlterConsumerGroupOffsets_destroy(request) }
        rd_kafka_AlterConsumerGroupOffsets(handle, &request, 1, options, queue)
        let event = try awaitEvent(timeout: timeout, operation: "alter offsets of group \(group)")
        defer { rd_kafka_event_destroy(event) }
        var count = 0
        let results = rd_kafka_AlterConsumerGroupOffsets_result_groups(rd_kafka_event_AlterConsumerGroupOffsets_result(event), &count)
        _ = try groupResult(results, count: count, context: "alter offsets of group \(group)")
    }

    /// The partitions of a one-group result; throws the group's error or the first partition's.
    private func groupResult(_ results: UnsafeMutablePointer<OpaquePointer?>?, count: Int, context: String) throws(KafkaError) -> [TopicPartition] {
        guard let results, count == 1, let result = results[0] else {
            throw KafkaError(code: RD_KAFKA_RESP_ERR__BAD_MSG.rawValue, message: "\(context): the broker's answer has no group result")
        }
        if let error = rd_kafka_group_result_error(result) { throw KafkaError(borrowing: error, context: context) }
        let parts = partitions(of: UnsafeMutablePointer(mutating: rd_kafka_group_result_partitions(result)))
        if let (part, error) = parts.first(where: { $0.1 != nil }), let error {
            throw KafkaError(code: error.code, message: "\(context), \(part): \(error.message)", isRetriable: error.isRetriable)
        }
        return parts.map(\.0)
    }
}

extension KafkaError {
    /// Copies an `rd_kafka_error_t` that belongs to a result object (so it is not destroyed here).
    init(borrowing error: OpaquePointer, context: String) {
        self.init(code: rd_kafka_error_code(error).rawValue,
                  message: "\(context): \(String(cString: rd_kafka_error_string(error)))",
                  isRetriable: rd_kafka_error_is_retriable(error) != 0,
                  isFatal: rd_kafka_error_is_fatal(error) != 0)
    }
}
