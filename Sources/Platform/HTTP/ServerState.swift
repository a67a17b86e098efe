import Foundation
import Glibc

/// The connections the poller's threads and `shutdown` share. One `NSCondition` guards all of
/// it, so `shutdown` can sleep until the last connection is gone.
/// `@unchecked Sendable`: every stored `var` is only touched with `condition` locked.
final class ServerState: @unchecked Sendable {
    private let condition = NSCondition()
    private var draining = false
    /// Open connections by descriptor, and whether each is idle between requests.
    private var connections: [Int32: Bool] = [:]

    var connectionCount: Int {
        locked { connections.count }
    }

    var isDraining: Bool {
        locked { draining }
    }

    /// Registers a new connection as idle (it has not sent anything yet); false when at `limit`.
    func admit(_ fd: Int32, limit: Int) -> Bool {
        locked {
            guard connections.count < limit else { return false }
            connections[fd] = true
            return true
        }
    }

    /// Marks a connection idle (waiting for a request) or busy. False once draining: the
    /// connection should then close instead of waiting for or starting another request.
    func setIdle(_ fd: Int32, _ idle: Bool) -> Bool {
        locked {
            connections[fd] = idle
            return !draining
        }
    }

    /// Must come before the descriptor is closed, so `beginDraining` never shuts down a
    /// descriptor number that has already been reused.
    func remove(_ fd: Int32) {
        locked {
            connections[fd] = nil
            if connections.isEmpty { condition.broadcast() }
        }
    }

    /// From now on connections close after their current response. Idle ones are woken by a
    /// shutdown(2) of their input: a request already received is still answered (with
    /// `Connection: close`), and one that has not come sees end-of-file and closes.
    func beginDraining() {
        locked {
            draining = true
            for (fd, idle) in connections where idle {
                _ = Glibc.shutdown(fd, Int32(SHUT_RD))
            }
        }
    }

    /// True once no connection is left, false if `deadline` came first.
    func waitUntilNoConnections(deadline: Date) -> Bool {
        locked {
            while !connections.isEmpty {
                if !condition.wait(until: deadline) { return connections.isEmpty }
            }
            return true
        }
    }

    private func locked<T>(_ body: () -> T) -> T {
        condition.lock()
        defer { condition.unlock() }
        return body()
    }
}
