import CRdKafka

extension KafkaError {
    /// The broker could not be reached or did not answer in time: the cluster, not the request,
    /// is the problem.
    public var isUnreachable: Bool {
        [RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN,
         RD_KAFKA_RESP_ERR__RESOLVE, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT].contains { $0.rawValue == code }
    }
}
