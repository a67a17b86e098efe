/// Starts and ends a process's spans and hands the ended ones to its exporter. Spans are made
/// whether or not anything exports them: their ids are what requests, events and log lines carry.
public final class Tracer: Sendable {
    /// nil: nothing is exported (the default, with no collector configured).
    public let exporter: OTLPExporter?

    public init(exporter: OTLPExporter? = nil) {
        self.exporter = exporter
    }

    /// A span that ends with `end`: for work that does not end where it starts (an event
    /// published, ended by its delivery report). `parent` nil starts a trace.
    public func start(_ name: String, kind: Span.Kind, parent: TraceContext?, attributes: [String: Span.Attribute] = [:]) -> Span {
        Span(name: name, kind: kind, parent: parent, attributes: attributes)
    }

    /// Ends `span` and exports it, unless its trace is not sampled.
    public func end(_ span: Span, failure: String? = nil) {
        guard let exporter, span.context.sampled else { return }
        var span = span
        span.endNanos = Span.now()
        if let failure { span.failure = failure }
        exporter.enqueue(span)
    }

    /// Runs `body` in a new span, child of `parent` (by default the current one), with
    /// `TraceContext.current` naming it meanwhile. A thrown error ends the span as failed.
    public func trace<R>(_ name: String, kind: Span.Kind, parent: TraceContext? = TraceContext.current,
                         attributes: [String: Span.Attribute] = [:], _ body: (inout Span) throws -> R) rethrows -> R {
        var span = start(name, kind: kind, parent: parent, attributes: attributes)
        do {
            let result = try TraceContext.$current.withValue(span.context) { try body(&span) }
            end(span)
            return result
        } catch {
            end(span, failure: "\(error)")
            throw error
        }
    }

    /// Exports what is queued, waiting at most `timeout`: at shutdown.
    public func flush(timeout: Duration) {
        exporter?.flush(timeout: timeout)
    }
}
