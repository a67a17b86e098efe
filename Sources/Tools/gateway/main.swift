import Foundation
import HTTP
import Processes
import Tracing

if CommandLine.arguments.dropFirst().first == "token" {
    switch TokenCommand.run(Array(CommandLine.arguments.dropFirst(2)), environment: ProcessInfo.processInfo.environment) {
    case .success(let token):
        print(token)
        exit(0)
    case .failure(let error):
        FileHandle.standardError.write(Data("gateway: \(error)\n".utf8))
        exit(2)
    }
}

// Before any thread starts, so every thread inherits the blocked mask.
TerminationSignals.block()

let configuration: GatewayConfiguration
do {
    configuration = try GatewayConfiguration(environment: ProcessInfo.processInfo.environment)
} catch {
    FileHandle.standardError.write(Data("gateway: \(error)\n".utf8))
    exit(2)
}

let replicas = Replicas(routes: configuration.routes, interval: configuration.readinessInterval)
let gateway = Gateway(routes: configuration.routes, replicas: replicas, timeout: configuration.upstreamTimeout,
                      trustForwardedHeaders: configuration.trustForwardedHeaders, rateLimits: configuration.rateLimits,
                      authentication: configuration.authentication, crossOrigin: configuration.crossOrigin,
                      tracer: Tracer(exporter: configuration.tracing.map { OTLPExporter($0, warn: { JSONLog.warning($0) }) }))
let server = HTTPServer(configuration: HTTPServerConfiguration(host: configuration.host, port: configuration.port),
                        handler: gateway.handle)
do {
    let port = try server.start()
    let routes = configuration.routes.routes.map { "\($0.prefix)=\($0.baseURLs.joined(separator: "|"))" }.sorted().joined(separator: ",")
    replicas.startWatching()
    JSONLog.info("gateway started", ["port": .int(port), "routes": .string(routes)])
} catch {
    FileHandle.standardError.write(Data("gateway: cannot listen on \(configuration.host):\(configuration.port): \(error)\n".utf8))
    exit(1)
}

let received = TerminationSignals.wait()
JSONLog.info("shutting down", ["signal": .int(Int(received))])
// A second signal means "now": exit without waiting for in-flight requests.
let forceExit = Thread {
    _ = TerminationSignals.wait()
    exit(1)
}
forceExit.start()
gateway.beginShutdown()
replicas.stopWatching()
let drained = server.shutdown(gracePeriod: configuration.shutdownGracePeriod)
gateway.tracer.flush(timeout: .seconds(1))
JSONLog.info("stopped", ["http_drained": .bool(drained)])
exit(0)
