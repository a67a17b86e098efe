import Foundation
import Glibc

/// The connections the poller's threads and `shutdown` share. One `NSCondition` guards all of
/// it, so `shutdown` can sleep until the last connection is gone.
/// `@unchecked Sendable`: every stored `var` is only touched with `condition` locked.
final class ServerState: @unchecked Sendable {
    private let condition = NSCondition()
    private var draining = false
    /// What an open connection is doing.
    private enum Use: Equatable {
        /// Accepted, no request in full yet (bounded by the head timeout); numbered in order of arrival.
        case fresh(UInt64)
        case busy
        /// Kept alive between requests.
        case idle
        /// Told to close to make room for a new connection.
        case shed
    }
    private var connections: [Int32: Use] = [:]
    private var shedCount = 0
    private var admitted: UInt64 = 0

    var connectionCount: Int {
        locked { connections.count }
    }

    var isDraining: Bool {
        locked { draining }
    }

    /// Registers a new connection. At `limit`, another makes room: one idle between requests, else
    /// the one that has been sending its first head the longest, either only if nothing unread
    /// is waiting on it. So neither idle keep-alive connections nor a slow-loris flood can hold
    /// every slot while new clients are refused: a client sends its head within moments of
    /// connecting and is busy from then on, never shed. False when no connection can make room.
    func admit(_ fd: Int32, limit: Int) -> Bool {
        locked {
            if connections.count - shedCount >= limit {
                guard let room = connections.first(where: { $0.value == .idle && Self.isQuiet($0.key) })?.key ?? oldestQuietFresh() else {
                    return false
                }
                connections[room] = .shed
                shedCount += 1
                // Its owner wakes to end-of-file and closes it, as when draining.
                _ = Glibc.shutdown(room, Int32(SHUT_RD))
            }
            admitted += 1
            connections[fd] = .fresh(admitted)
            return true
        }
    }

    private func oldestQuietFresh() -> Int32? {
        connections.compactMap { fd, use in if case .fresh(let order) = use { (fd, order) } else { nil } }
            .sorted { $0.1 < $1.1 }.first { Self.isQuiet($0.0) }?.0
    }

    /// Nothing has arrived on `fd` that no thread has read yet: when every thread is busy, a
    /// request may be waiting in the kernel on a connection that still looks fresh or idle.
    private static func isQuiet(_ fd: Int32) -> Bool {
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) <= 0
    }

    /// Marks a connection idle (waiting for its next request) or busy. False once draining or
    /// shed: the connection should then close instead of waiting for or starting another request.
    func setIdle(_ fd: Int32, _ idle: Bool) -> Bool {
        locked {
            guard connections[fd] != .shed else { return false }
            connections[fd] = idle ? .idle : .busy
            return !draining
        }
    }

    /// Must come before the descriptor is closed, so `beginDraining` never shuts down a
    /// descriptor number that has already been reused.
    func remove(_ fd: Int32) {
        locked {
            if connections.removeValue(forKey: fd) == .shed { shedCount -= 1 }
            if connections.isEmpty { condition.broadcast() }
        }
    }

    /// From now on connections close after their current response. Idle ones are woken by a
    /// shutdown(2) of their input: a request already received is still answered (with
    /// `Connection: close`), and one that has not come sees end-of-file and closes.
    func beginDraining() {
        locked {
            draining = true
            for (fd, use) in connections where use != .busy && use != .shed {
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
