import Foundation
import HTTP
import Kafka
import Processes

/// `kcat -C -e` printing the records of a topic, the reference the performance issue names,
/// with the services' client and fetch settings (on the local broker its default wait of 500 ms
/// would be spent again to find the end, and its metrics push would hold its exit a second one
/// time in three). It is timed from exec to exit; what it spends without reading (start,
/// metadata, offsets, finding the end) is measured the same way from the end of the topic and
/// taken off: the records read over the difference, each the fastest of three tries. This broker
/// places the end at its last batch's start, so that run reads a few dozen records, which are
/// not counted. Its first output is no start to time from: one fetch can bring most of the
/// records, and printing them is quick. Stopped by its pid.
struct KcatReader {
    let broker: String

    func rate(topic: String, count: Int) throws -> Double {
        let reading = try (1...3).map { _ in try run(topic: topic, from: "beginning", expecting: count).took }.min()!
        let fromEnd = try (1...3).map { _ in try run(topic: topic, from: "end", expecting: nil) }
        let starting = fromEnd.map(\.took).min()!
        // What the run from the end read as well is not counted.
        let counted = count - fromEnd.map(\.lines).max()!
        guard reading - starting >= reading / 4 else {
            throw BenchError("kcat took \(reading) to read \(count) records and \(starting) to read from the end: too few records to time it")
        }
        return Double(counted) / (reading - starting).timeInterval
    }

    /// One kcat run from `offset` to the end, which reads `count` records (any number when nil):
    /// how long from exec to exit, and how many it read.
    private func run(topic: String, from offset: String, expecting count: Int?,
                     within timeout: Duration = .seconds(60)) throws -> (took: Duration, lines: Int) {
        guard let kcat = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
            .map({ String($0) + "/kcat" }).first(where: { access($0, X_OK) == 0 }) else {
            throw BenchError("kcat is needed (scripts/setup installs it)")
        }
        var output: [Int32] = [0, 0]
        guard pipe(&output) == 0 else { throw BenchError("pipe failed: errno \(errno)") }
        output.forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) }
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("bench-kcat-\(UUID().uuidString.prefix(8)).log")
        let errorLog = open(errors.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard errorLog >= 0 else {
            output.forEach { close($0) }
            throw BenchError("cannot open \(errors.path): errno \(errno)")
        }
        defer { close(output[0]); try? FileManager.default.removeItem(at: errors) }
        let settings = KafkaProperties.clientDefaults.merging(LocalBroker.consumerProperties) { $1 }.sorted { $0.key < $1.key }.flatMap { ["-X", "\($0.key)=\($0.value)"] }
        let started = ContinuousClock.now
        let pid: pid_t
        do {
            defer { close(output[1]); close(errorLog) }
            pid = try Spawn.start(kcat, arguments: ["-C", "-b", broker, "-t", topic, "-o", offset, "-e", "-q", "-f", "%s\n"] + settings,
                                  environment: ProcessInfo.processInfo.environment, stdout: output[1], stderr: errorLog)
        }
        var reaped = false
        defer {
            if !reaped {
                kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
            }
        }
        func failure(_ what: String) -> BenchError {
            let said = (try? String(contentsOf: errors, encoding: .utf8))?.split(separator: "\n").suffix(5).joined(separator: "\n") ?? ""
            return BenchError("kcat \(what)" + (said.isEmpty ? "" : "; it said:\n\(said)"))
        }

        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var lines = 0
        let deadline = started + timeout
        while true {
            let left = deadline - .now
            guard left > .zero else { throw failure("read \(lines) records in \(timeout)") }
            var ready = pollfd(fd: output[0], events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, Int32(min(left.milliseconds, 1000))) > 0 else { continue }
            let n = read(output[0], &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }  // its exit, at the end of the topic (-e)
            lines += buffer[..<n].reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
        }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        reaped = true
        let took = ContinuousClock.now - started
        guard status == 0 else {
            throw failure(status & 0x7f == 0 ? "exited with status \((status >> 8) & 0xff)" : "was killed by signal \(status & 0x7f)")
        }
        if let count, lines != count { throw failure("read \(lines) of \(count) records") }
        return (took, lines)
    }
}
