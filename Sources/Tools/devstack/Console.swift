import Glibc
import Synchronization

/// devstack's stdout, shared by every child's log stream: whole lines only, each prefixed with
/// its source's name, aligned, and coloured when a person is watching.
final class Console: Sendable {
    private static let palette = [36, 33, 35, 32, 34, 96, 93, 95, 92, 94]
    private let width: Int
    private let colours: [String: Int]
    private let lock = Mutex(())

    /// Colours only on a terminal, and never when NO_COLOR is set (no-color.org).
    init(names: [String], environment: [String: String]) {
        width = (names + ["devstack"]).map(\.count).max() ?? 0
        let useColour = isatty(1) == 1 && environment["NO_COLOR"] == nil
        colours = useColour
            ? Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, Self.palette[$0 % Self.palette.count]) })
            : [:]
    }

    /// One line a child printed.
    func line(from name: String, _ text: String) {
        let label = name.padding(toLength: width, withPad: " ", startingAt: 0) + " |"
        let prefix = colours[name].map { "\u{1B}[\($0)m\(label)\u{1B}[0m" } ?? label
        write(prefix + " " + text + "\n")
    }

    /// What devstack itself has to say while running.
    func note(_ text: String) {
        line(from: "devstack", text)
    }

    /// Unprefixed text: the banner.
    func print(_ text: String) {
        write(text + "\n")
    }

    private func write(_ text: String) {
        lock.withLock { _ in
            var bytes = Array(text.utf8)[...]
            // Bounded: each round writes at least one byte or stops.
            while !bytes.isEmpty {
                let n = bytes.withUnsafeBytes { Glibc.write(1, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return }
                bytes = bytes.dropFirst(n)
            }
        }
    }
}
