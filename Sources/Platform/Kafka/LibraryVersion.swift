import CRdKafka

/// The librdkafka the process loaded. The loader can pick Debian bookworm's 2.0.2 even when we
/// compiled against the 2.8.0 scripts/setup builds; 2.0.2 cannot talk to KRaft brokers, so
/// refuse it early.
public enum LibraryVersion {
    public static let minimum: Int32 = 0x0208_00ff
    public static let minimumText = "2.8.0"

    public static var loaded: String { String(cString: rd_kafka_version_str()) }

    /// Throws a message that says how to fix it when the loaded librdkafka is too old.
    public static func requireSupported() throws(KafkaError) {
        guard rd_kafka_version() >= minimum else {
            throw KafkaError(code: RD_KAFKA_RESP_ERR__NOT_IMPLEMENTED.rawValue, message: """
                librdkafka \(loaded) is loaded, but \(minimumText) or newer is required. Run scripts/setup, which \
                builds it (with the fixes in scripts/librdkafka) into /usr/local, and make sure the loader finds it first (ldconfig, or LD_LIBRARY_PATH=/usr/local/lib).
                """)
        }
    }
}
