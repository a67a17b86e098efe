import HTTP
import Testing
import Tracing

@Suite("W3C trace context: read as the specification says, passed on as it was")
struct TraceContextTests {
    let valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    @Test("a valid traceparent is read, with its tracestate")
    func reads() throws {
        let context = try #require(TraceContext(traceparent: valid, tracestate: "congo=t61rcWkgMzE"))
        #expect(context.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(context.spanID == "00f067aa0ba902b7")
        #expect(context.sampled)
        #expect(context.state == "congo=t61rcWkgMzE")
        #expect(context.traceparent == valid, "written back as it came")
        #expect(TraceContext(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")?.sampled == false)
    }

    @Test("a malformed traceparent is not read", arguments: [
        "",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",               // short
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",        // version 00 has four parts
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",              // uppercase
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",              // zero trace
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",              // zero span
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",              // forbidden version
        "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",              // separator
        "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",              // not hex
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",             // later version, no dash after
    ])
    func refuses(_ traceparent: String) {
        #expect(TraceContext(traceparent: traceparent) == nil)
    }

    @Test("a later version is read by its first four parts")
    func laterVersion() {
        let context = TraceContext(traceparent: "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds")
        #expect(context?.spanID == "00f067aa0ba902b7")
        #expect(context?.traceparent == valid, "and passed on as version 00")
    }

    @Test("a tracestate keeps whole entries up to 512 bytes; one with control bytes, or empty, is dropped")
    func tracestates() {
        let entry = "k" + String(repeating: "v", count: 96)   // each entry 100 bytes: "kvv…v0=1"
        let six = (0..<6).map { "\(entry)\($0)=1" }.joined(separator: ",")
        #expect(TraceContext(traceparent: valid, tracestate: six)?.state == (0..<5).map { "\(entry)\($0)=1" }.joined(separator: ","),
                "the first five entries fit, the sixth does not")
        #expect(TraceContext(traceparent: valid, tracestate: "a=1 ,\tb=2,,")?.state == "a=1,b=2", "spaces, tabs and empty entries go")
        #expect(TraceContext(traceparent: valid, tracestate: "a=b\nc=d")?.state == nil)
        #expect(TraceContext(traceparent: valid, tracestate: "")?.state == nil)
        #expect(TraceContext(traceparent: valid, tracestate: " , ")?.state == nil)
    }

    @Test("a child keeps the trace, its sampling and state, under a new span id; a root is a new trace")
    func children() throws {
        let parent = try #require(TraceContext(traceparent: valid, tracestate: "k=v"))
        let child = parent.child()
        #expect(child.traceID == parent.traceID && child.sampled && child.state == "k=v")
        #expect(child.spanID != parent.spanID && child.spanID.count == 16)
        let root = TraceContext.root()
        #expect(root.traceID.count == 32 && root.traceID != parent.traceID && root.sampled)
        #expect(TraceContext(traceparent: root.traceparent) == root, "a root's traceparent is valid")
    }

    @Test("it travels in request fields, replacing any the request had")
    func headers() throws {
        let context = try #require(TraceContext(traceparent: valid, tracestate: "k=v"))
        var headers: HTTPHeaders = ["traceparent": "00-11111111111111111111111111111111-2222222222222222-01", "Tracestate": "old=1"]
        context.write(to: &headers)
        #expect(TraceContext(headers) == context)
        #expect(headers.values("tracestate") == ["k=v"])
        var several: HTTPHeaders = ["traceparent": valid]
        several.add("tracestate", "a=1")
        several.add("tracestate", "b=2")
        #expect(TraceContext(several)?.state == "a=1,b=2", "several fields are one list")
    }

    @Test("a traced body names its span as the current context, and the one before it again after")
    func current() throws {
        let tracer = Tracer()
        #expect(TraceContext.current == nil)
        let outer = TraceContext(traceparent: valid)
        let seen = tracer.trace("outer", kind: .server, parent: outer) { span in
            (TraceContext.current, span.parentSpanID, tracer.trace("inner", kind: .internal) { $0.parentSpanID })
        }
        #expect(seen.0?.traceID == outer?.traceID && seen.0?.spanID != outer?.spanID)
        #expect(seen.1 == outer?.spanID)
        #expect(seen.2 == seen.0?.spanID, "a span started inside is its child")
        #expect(TraceContext.current == nil)
    }
}
