import Foundation

// bench-saga saga  --gateway URL --rate N --seconds S [--sample K]
// bench-saga chain --broker HOST:PORT --hops H --rate N --seconds S
// bench-saga footprint --executable PATH --broker HOST:PORT
// bench-saga consume --executable PATH --broker HOST:PORT --events N [--replicas R] [--database-url URL] [--without-references]
// Prints one line of name=value fields: count=… p50=… p90=… p99=… max=… (milliseconds), and
// bookings=… failures=… for saga; ready_ms=… rss_idle_mb=… private_idle_mb=… for footprint;
// shows=… partitions=… replicas=… consumed_per_s=… relayed_per_s=… rss_peak_mb=… (the first
// replica's), then kcat_read_per_s=… raw_read_per_s=… raw_produced_per_s=… unless
// --without-references, for consume.
let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    arguments.firstIndex(of: "--\(name)").flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
}
func usage() -> Never {
    FileHandle.standardError.write(Data("""
        usage: bench-saga saga --gateway URL --rate N --seconds S [--sample K]
               bench-saga chain --broker HOST:PORT --hops H --rate N --seconds S
               bench-saga footprint --executable PATH --broker HOST:PORT
               bench-saga consume --executable PATH --broker HOST:PORT --events N [--replicas R] [--database-url URL]
                                  [--without-references]

        """.utf8))
    exit(2)
}
guard let command = arguments.first else { usage() }
if command == "footprint" || command == "consume" {
    guard let executable = option("executable"), let broker = option("broker") else { usage() }
    do {
        if command == "footprint" {
            print(try Footprint(executable: executable, broker: broker).run())
        } else {
            guard let events = option("events").flatMap(Int.init), events >= 2,
                  let replicas = Int(option("replicas") ?? "1"), (1...16).contains(replicas) else { usage() }
            var bench = ConsumeBench(executable: executable, broker: broker, events: events, replicas: replicas)
            if let url = option("database-url") { bench.settings["DATABASE_URL"] = url }
            bench.references = !arguments.contains("--without-references")
            print(try bench.run())
        }
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("bench-saga: \(error)\n".utf8))
        exit(1)
    }
}
guard let rate = option("rate").flatMap(Double.init), rate > 0, let seconds = option("seconds").flatMap(Int.init), seconds > 0 else { usage() }

do {
    switch command {
    case "saga":
        guard let gateway = option("gateway") else { usage() }
        let sample = option("sample").flatMap(Int.init) ?? 5
        let result = try SagaBench(gateway: gateway, rate: rate, duration: .seconds(seconds), sample: max(1, sample)).run()
        let failures = result.failures.map { "\($0.value)× \($0.key)" }.sorted().joined(separator: "; ")
        print("\(result.latencies.summary) bookings=\(result.bookings) failures=\(result.failures.values.reduce(0, +))"
              + (failures.isEmpty ? "" : " (\(failures))"))
    case "chain":
        guard let broker = option("broker"), let hops = option("hops").flatMap(Int.init), hops >= 1 else { usage() }
        let latencies = try ChainBench(broker: broker, hops: hops, rate: rate, duration: .seconds(seconds)).run()
        print(latencies.summary)
    default:
        usage()
    }
} catch {
    FileHandle.standardError.write(Data("bench-saga: \(error)\n".utf8))
    exit(1)
}
