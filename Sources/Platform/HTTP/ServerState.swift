import Foundation
import Glibc

/// What the poller's threads and `shutdown` share. One `NSCondition` guards all of it, so `stopAccepting` and `shutdown` can sleep until the state they wait for arrives.
/// `@unchecked Sendable`: every stored `var` is only touched with `condition` locked.
final class ServerState: @unchecked Sendable {
    private let condition = NSCondition()
    private var listener: Int32?
    private var listening = false
    private var acceptingStopped = false
    private var draining = false
    /// Open connections by descriptor, and whether each is idle between requests.
    private var connections: [Int32: Bool] = [:]

    var connectionCount: Int {
        locked { connections.count }
    }

    var isDraining: Bool {
        locked { draining }
    }

    var isAcceptingStopped: Bool {
        locked { acceptingStopped }
    }

    /// Records the listener the poller is about to watch; false if there already is one.
    func beginAccepting(_ fd: Int32) -> Bool {
        locked {
            guard listener == nil else { return false }
            listener = fd
            listening = true
            return true
        }
    }

    /// Called by the poller once it has closed the listener. It closes it itself, so the descriptor
    /// cannot be reused for something else while one of its threads might still call accept on it.
    func listenerClosed() {
        locked {
            listening = false
            condition.broadcast()
        }
    }

    /// Wakes the poller (shutdown(2) on a listening socket makes it readable, and accept(2) fail,
    /// on Linux) and waits until it has closed the listener, so connection attempts are refused on return.
    func stopAccepting() {
        locked {
            guard let listener, listening else { return }
            acceptingStopped = true
            _ = Glibc.shutdown(listener, Int32(SHUT_RDWR))
            while listening { condition.wait() }
        }
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
    /// shutdown(2) of their socket: their pending read sees end-of-file and they close.
    func beginDraining() {
        locked {
            draining = true
            for (fd, idle) in connections where idle {
                _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
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
