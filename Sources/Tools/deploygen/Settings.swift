/// What every generated deployment file shares, each written once.
enum Settings {
    /// The image the Dockerfile builds: every executable, the service chosen by the command.
    static let image = "event-driven-systems:local"
    /// The prod overlay's image: where a release is pushed (another registry: an overlay of your own).
    static let releaseImage = (name: "registry.example.com/event-driven-systems", tag: "1.0.0")
    /// Every service and gateway listens here inside its container or pod; a Kubernetes Service
    /// per context on this port makes the seeds' in-cluster commands (`http://cart:8080/carts`) work.
    static let containerPort = 8080
    /// Where a service on SQLite keeps its file: the image's working directory is /srv.
    static let dataDirectory = "/srv/data"
    /// The Kubernetes Service of the gateway, of the dev overlay's PostgreSQL, and Strimzi's Kafka cluster.
    static let gatewayName = "gateway"
    static let postgresName = "postgres"
    static let kafkaCluster = "kafka"

    /// Partitions per topic: how many replicas of one consumer group can share the work, so the
    /// ceiling of every autoscaler.
    static let partitions = 6
    /// Replicas of a service that scales: the floor in prod (a rollout or a node loss keeps one serving).
    static let minimumReplicas = 2
    static let gatewayMaximumReplicas = 6

    /// Shutdown: after SIGTERM /readyz fails for the first `shutdownDelayMs` (so the endpoints drop
    /// the pod first) of `shutdownGraceSeconds` in all; Kubernetes waits a margin more.
    static let shutdownDelayMs = 5000
    static let shutdownGraceSeconds = 20
    static var terminationGracePeriodSeconds: Int { shutdownGraceSeconds + 10 }

    /// Apache Kafka in docker-compose (the official image), and on Kubernetes through Strimzi.
    static let kafkaImage = "apache/kafka:3.9.1"
    static let strimziKafkaVersion = "3.9.0"
    static let strimziMetadataVersion = "3.9-IV0"
    static let postgresImage = "postgres:17.6-bookworm"
    /// Traces in docker-compose (its `tracing` profile): Jaeger, which takes OTLP over HTTP.
    static let jaegerImage = "jaegertracing/all-in-one:1.62.0"
}

/// The broker layout of one deployment: how many Kafka brokers and how topics are replicated.
struct KafkaLayout {
    let brokers: Int
    let replicationFactor: Int
    let minInsyncReplicas: Int

    static let single = KafkaLayout(brokers: 1, replicationFactor: 1, minInsyncReplicas: 1)
    static let cluster = KafkaLayout(brokers: 3, replicationFactor: 3, minInsyncReplicas: 2)
}
