/// One child devstack runs: what to start and how to tell it is ready.
struct ProcessSpec: Sendable {
    enum Readiness: Sendable {
        /// `GET /readyz` answers 200 (the gateway).
        case readyz
        /// `GET /readyz` answers 200 and the consumer has joined its group (a service).
        case readyzAndJoined
        /// The port accepts connections (the broker, which speaks Kafka, not HTTP).
        case listening
    }

    let name: String
    let executable: String
    let arguments: [String]
    let environment: [String: String]
    let port: Int
    let readiness: Readiness
    /// For a service: the bounded context it runs, one of whose replica slots it is.
    var context: String? = nil
    /// False for the spare slot a rollout starts a context's new replica in.
    var startsWithStack = true
}
