import Foundation
import Kafka
import Processes

/// `kcat -C` reading every record of a topic from its start and printing each payload, the
/// reference the performance issue names, with the services' fetch settings (on the local broker,
/// its default wait of 500 ms would be spent again to find the end): records per second from its
/// exec to its exit at the end of the topic, as `time kcat -C -e …` shows it. Its first output
/// is no start to time from: one fetch can bring most of the records, and printing them is quick.
/// Stopped by its pid.
struct KcatReader {
    let broker: String

    func rate(topic: String, count: Int, within timeout: Duration = .seconds(60)) throws -> Double {
        guard let kcat = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
            .map({ String($0) + "/kcat" }).first(where: { access($0, X_OK) == 0 }) else {
            throw BenchError("kcat is needed (scripts/setup installs it)")
        }
        var output: [Int32] = [0, 0]
        guard pipe(&output) == 0 else { throw BenchError("pipe failed: errno \(errno)") }
        output.forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) }
        let discard = open("/dev/null", O_WRONLY | O_CLOEXEC)
        defer { close(output[0]) }
        let started = ContinuousClock.now
        let pid: pid_t
        do {
            defer { close(output[1]); close(discard) }
            let settings = LocalBroker.consumerProperties.sorted { $0.key < $1.key }.flatMap { ["-X", "\($0.key)=\($0.value)"] }
            pid = try Spawn.start(kcat, arguments: ["-C", "-b", broker, "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%s\n"] + settings,
                                  environment: ProcessInfo.processInfo.environment, stdout: output[1], stderr: discard)
        }
        defer {
            kill(pid, SIGKILL)  // it has exited unless it ran out of time
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }

        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var lines = 0
        let deadline = ContinuousClock.now + timeout
        while true {
            let left = deadline - .now
            guard left > .zero else { throw BenchError("kcat read \(lines) of \(count) records in \(timeout)") }
            var ready = pollfd(fd: output[0], events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, Int32(min(left.milliseconds, 1000))) > 0 else { continue }
            let n = read(output[0], &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }  // its exit, at the end of the topic (-e)
            lines += buffer[..<n].reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
        }
        guard lines == count else { throw BenchError("kcat read \(lines) of \(count) records") }
        return Double(count) / (ContinuousClock.now - started).seconds
    }
}
