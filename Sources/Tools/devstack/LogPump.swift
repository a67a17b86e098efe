import Foundation
import Synchronization

/// Reads one child's stdout and stderr (one pipe) on its own thread until the child closes it,
/// passing each line to the console and keeping the last lines for failure messages.
final class LogPump: Sendable {
    private static let tailLength = 20
    /// A line longer than this is passed on in pieces rather than held in memory.
    private static let maxLineBytes = 64 * 1024

    private let name: String
    private let console: Console
    private let recent = Mutex<[String]>([])
    private let open = Atomic<Int>(0)

    init(name: String, console: Console) {
        self.name = name
        self.console = console
    }

    /// The last lines the child printed, across restarts.
    var tail: [String] { recent.withLock { $0 } }

    /// True while some run's output has not been read to its end.
    var isReading: Bool { open.load(ordering: .acquiring) > 0 }

    /// Takes ownership of `fd`, the read end of a child's output pipe.
    func start(reading fd: Int32) {
        open.add(1, ordering: .acquiringAndReleasing)
        let thread = Thread { [self] in
            pump(fd)
            close(fd)
            open.subtract(1, ordering: .acquiringAndReleasing)
        }
        thread.name = "log-\(name)"
        thread.start()
    }

    private func pump(_ fd: Int32) {
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8192)
        // Ends at end of file: when the child and every copy of the pipe's write end are gone.
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            pending += chunk[..<n]
            while let newline = pending.firstIndex(of: 0x0A) {
                emit(pending[..<newline])
                pending.removeSubrange(...newline)
            }
            if pending.count > Self.maxLineBytes {
                emit(pending[...])
                pending.removeAll()
            }
        }
        if !pending.isEmpty { emit(pending[...]) }
    }

    private func emit(_ bytes: ArraySlice<UInt8>) {
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        console.line(from: name, text)
        recent.withLock {
            $0.append(text)
            if $0.count > Self.tailLength { $0.removeFirst($0.count - Self.tailLength) }
        }
    }
}
