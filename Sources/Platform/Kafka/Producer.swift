import CRdKafka
import Glibc
import Synchronization

/// The outcome of one `Producer.send`: delivered (with its partition and offset) or failed.
public struct DeliveryReport: Sendable {
    public let id: Int
    public let topic: String
    public let partition: Int32
    public let offset: Int64
    public let error: KafkaError?
}

/// An idempotent producer (`enable.idempotence=true` unless overridden): per partition, one
/// producer session writes each message once and in order, even across retries. The broker is
/// given 9 s to acknowledge a batch (`request.timeout.ms`, 30 s in librdkafka), under the 10 s
/// after which every client gives up on a request (`socket.timeout.ms`, see `clientDefaults`):
/// a slow acknowledgement is then the broker's timeout error on a working connection, not a
/// dropped connection and every batch in flight on it sent again.
///
/// librdkafka handles are thread-safe, so the class is `Sendable`; the Swift state it adds
/// (waiters for synchronous sends) sits behind a `Mutex`.
public final class Producer: @unchecked Sendable {
    private let handle: OpaquePointer
    private let callbacks: DeliveryCallbacks

    /// `onDelivery` runs on whichever thread calls `poll` or `flush`, once per `send`.
    public init(properties: KafkaProperties, onDelivery: @escaping @Sendable (DeliveryReport) -> Void = { _ in }) throws(KafkaError) {
        try LibraryVersion.requireSupported()
        var props: KafkaProperties = ["enable.idempotence": "true", "linger.ms": "5", "request.timeout.ms": "9000"]
        props.merge(properties) { _, new in new }
        let conf = try makeConf(props)
        callbacks = DeliveryCallbacks(onDelivery: onDelivery)
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(callbacks).toOpaque())
        rd_kafka_conf_set_dr_msg_cb(conf) { rk, message, opaque in
            guard let message, let opaque else { return }
            let callbacks = Unmanaged<DeliveryCallbacks>.fromOpaque(opaque).takeUnretainedValue()
            callbacks.deliver(message.pointee, fatalError: rk.flatMap(Producer.fatalError(of:)))
        }
        handle = try makeHandle(RD_KAFKA_PRODUCER, conf: conf)
    }

    deinit { rd_kafka_destroy(handle) }

    /// Enqueues a message; its `DeliveryReport` carries `id` (> 0). Throws when librdkafka refuses
    /// it outright (queue full, unknown partition, fatal producer state).
    public func send(_ message: OutgoingMessage, id: Int) throws(KafkaError) {
        precondition(id > 0, "delivery ids are positive; negative ones are for synchronous sends")
        try enqueue(message, id: id)
    }

    /// Sends one message and waits for its delivery report, which librdkafka gives within the
    /// producer's `message.timeout.ms` (default 300 s): waiting less and sending again would
    /// duplicate a message still queued. Throws the report's error, or `ERR__TIMED_OUT` when
    /// `cancelled` said to stop waiting first (the message may still be delivered).
    public func sendAndWait(_ message: OutgoingMessage, cancelled: () -> Bool = { false }) throws(KafkaError) {
        let id = callbacks.nextSyncID()
        try enqueue(message, id: id)
        while !cancelled() {
            rd_kafka_poll(handle, 50)
            if let report = callbacks.takeSyncReport(id) {
                if let error = report.error { throw error }
                return
            }
        }
        throw KafkaError(code: RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue,
                         message: "stopped waiting for the delivery report of \(message.topic)", isRetriable: true)
    }

    /// Serves delivery reports for up to `timeout`.
    public func poll(timeout: Duration = .zero) {
        rd_kafka_poll(handle, Int32(timeout.milliseconds))
    }

    /// Waits until every enqueued message has its delivery report; false if some are still pending.
    @discardableResult
    public func flush(timeout: Duration) -> Bool {
        rd_kafka_flush(handle, Int32(timeout.milliseconds)) == RD_KAFKA_RESP_ERR_NO_ERROR
    }

    /// Fails every message not yet delivered, queued or in flight (`ERR__PURGE_QUEUE`,
    /// `ERR__PURGE_INFLIGHT`); their reports come with the next `poll`. An in-flight one may still
    /// have reached the broker.
    public func purge() {
        rd_kafka_purge(handle, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
    }

    /// Messages enqueued or in flight whose delivery report has not been served yet.
    public var pendingCount: Int { Int(rd_kafka_outq_len(handle)) }

    /// Set once the producer hit a fatal error (e.g. the broker forgot its idempotent session);
    /// the producer must then be replaced.
    public var fatalError: KafkaError? { Producer.fatalError(of: handle) }

    private func enqueue(_ message: OutgoingMessage, id: Int) throws(KafkaError) {
        let error: OpaquePointer? = message.topic.withCString { topic in
            withMessageValues(message, topic: topic, id: id) { values in
                rd_kafka_produceva(handle, values.baseAddress, values.count)
            }
        }
        if let error { throw KafkaError(consuming: error) }
    }

    static func fatalError(of handle: OpaquePointer) -> KafkaError? {
        var errstr = [CChar](repeating: 0, count: 512)
        let code = rd_kafka_fatal_error(handle, &errstr, errstr.count)
        guard code != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return KafkaError(code: code.rawValue, message: text(of: errstr), isFatal: true)
    }
}

/// Builds the `rd_kafka_vu_t` list for `rd_kafka_produceva` (`producev` is variadic and cannot be
/// called from Swift). Every pointer stays valid for the duration of `body`; librdkafka copies.
private func withMessageValues<R>(_ message: OutgoingMessage, topic: UnsafePointer<CChar>, id: Int,
                                  _ body: (UnsafeBufferPointer<rd_kafka_vu_t>) -> R) -> R {
    var values: [rd_kafka_vu_t] = []
    func add(_ type: rd_kafka_vtype_t, _ fill: (inout rd_kafka_vu_t) -> Void) {
        var v = rd_kafka_vu_t()
        v.vtype = type
        fill(&v)
        values.append(v)
    }
    add(RD_KAFKA_VTYPE_TOPIC) { $0.u.cstr = topic }
    add(RD_KAFKA_VTYPE_MSGFLAGS) { $0.u.i = RD_KAFKA_MSG_F_COPY }
    add(RD_KAFKA_VTYPE_OPAQUE) { $0.u.ptr = UnsafeMutableRawPointer(bitPattern: id) }
    if let partition = message.partition { add(RD_KAFKA_VTYPE_PARTITION) { $0.u.i32 = partition } }

    // Header names must be C strings that outlive the call: keep them in one array.
    let names = message.headers.map { strdup($0.name)! }
    defer { names.forEach { free($0) } }
    return message.value.withUnsafeBytes { value in
        add(RD_KAFKA_VTYPE_VALUE) {
            $0.u.mem.ptr = UnsafeMutableRawPointer(mutating: value.baseAddress)
            $0.u.mem.size = value.count
        }
        let headerValues = message.headers.map { $0.value }
        return withArrayOfBuffers(headerValues) { headerBuffers in
            for (name, buffer) in zip(names, headerBuffers) {
                add(RD_KAFKA_VTYPE_HEADER) {
                    $0.u.header.name = UnsafePointer(name)
                    $0.u.header.val = buffer.baseAddress
                    $0.u.header.size = buffer.count
                }
            }
            guard let key = message.key else { return values.withUnsafeBufferPointer(body) }
            return key.withUnsafeBytes { key in
                add(RD_KAFKA_VTYPE_KEY) {
                    $0.u.mem.ptr = UnsafeMutableRawPointer(mutating: key.baseAddress)
                    $0.u.mem.size = key.count
                }
                return values.withUnsafeBufferPointer(body)
            }
        }
    }
}

/// Keeps every array's storage pinned while `body` runs.
private func withArrayOfBuffers<R>(_ arrays: [[UInt8]], _ body: ([UnsafeRawBufferPointer]) -> R) -> R {
    func pin(_ index: Int, _ acc: [UnsafeRawBufferPointer]) -> R {
        guard index < arrays.count else { return body(acc) }
        return arrays[index].withUnsafeBytes { pin(index + 1, acc + [$0]) }
    }
    return pin(0, [])
}

/// Routes librdkafka's delivery callbacks to Swift: synchronous sends have negative ids.
private final class DeliveryCallbacks: Sendable {
    let onDelivery: @Sendable (DeliveryReport) -> Void
    private let syncReports = Mutex<(next: Int, done: [Int: DeliveryReport])>((next: -1, done: [:]))

    init(onDelivery: @escaping @Sendable (DeliveryReport) -> Void) { self.onDelivery = onDelivery }

    func deliver(_ m: rd_kafka_message_t, fatalError: KafkaError?) {
        let id = Int(bitPattern: m._private)
        var error: KafkaError?
        if m.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            error = m.err == RD_KAFKA_RESP_ERR__FATAL ? (fatalError ?? KafkaError(m.err)) : KafkaError(m.err)
        }
        let report = DeliveryReport(id: id, topic: String(cString: rd_kafka_topic_name(m.rkt)),
                                    partition: m.partition, offset: m.offset, error: error)
        if id < 0 {
            syncReports.withLock { $0.done[id] = report }
        } else {
            onDelivery(report)
        }
    }

    func nextSyncID() -> Int {
        syncReports.withLock { state in
            defer { state.next -= 1 }
            return state.next
        }
    }

    func takeSyncReport(_ id: Int) -> DeliveryReport? {
        syncReports.withLock { $0.done.removeValue(forKey: id) }
    }
}

extension Duration {
    /// Whole milliseconds, clamped to what librdkafka's `int` timeouts take.
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        let ms = seconds.multipliedReportingOverflow(by: 1000)
        guard !ms.overflow else { return Int(Int32.max) }
        return Int(min(ms.partialValue + attoseconds / 1_000_000_000_000_000, Int64(Int32.max)))
    }
}
