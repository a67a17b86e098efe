import HTTP

/// What `ChassisTesting` drives a service through, without sockets or a broker.
extension Service {
    /// Answers `request` as the HTTP server would, through the same router.
    package func handle(_ request: HTTPRequest) -> HTTPResponse {
        router.handle(request)
    }

    /// What became of one delivered event.
    public enum Delivery: Equatable, Sendable {
        case processed, duplicate, ignored
    }

    /// Delivers `envelope` as read from `topic`, as the consumer does: its policy runs in one
    /// transaction with the inbox insert, and a second delivery of the same event id is a duplicate.
    package func deliver(_ envelope: EventEnvelope, from topic: String, offset: Int64 = 0) throws -> Delivery {
        let policy = registrations.withLock { $0.policies }.first { $0.topic == topic && $0.eventType == envelope.type }
        guard let policy else { return .ignored }
        let context = EventContext(envelope: envelope, topic: topic, partition: 0, offset: offset)
        return try policy.process(envelope, context, group: self.topic, database: database, publisher: publisher)
            ? .processed : .duplicate
    }

    /// Runs every background job once, on the caller's thread.
    package func runJobsOnce() throws {
        for job in registrations.withLock({ $0.jobs }) { try job.runOnce() }
    }
}

extension Service {
    /// The topics this service's policies for `eventType` read.
    package func subscribedTopics(for eventType: String) -> [String] {
        registrations.withLock { $0.policies }.filter { $0.eventType == eventType }.map(\.topic)
    }
}
