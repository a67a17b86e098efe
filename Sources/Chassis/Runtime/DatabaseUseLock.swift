import Foundation
import Glibc

/// Who is using a service's database file, so that `reset-view` never empties a live view.
/// (On PostgreSQL: `Service.openDatabase` holds an advisory lock instead.)
/// Every serving process (replicas sharing the file too) holds a shared `flock` on
/// `<database>.lock` for its whole life; `reset-view` needs it exclusively and refuses when it
/// cannot have it. The kernel drops the lock when the process dies, however it dies. A separate
/// file, because closing any other descriptor of the database file would drop SQLite's own locks.
enum DatabaseUseLock {
    /// On PostgreSQL the same rule is an advisory lock of this name (`Database.holdLock`).
    static let name = "service_in_use"

    /// Blocks while a `reset-view` holds the file; the descriptor stays open until exit.
    static func shareForServing(_ databasePath: String) throws(ConfigurationError) {
        let fd = try open(databasePath)
        while flock(fd, LOCK_SH) != 0 {
            guard errno == EINTR else { throw failure("cannot lock", databasePath) }
        }
    }

    /// Takes the file for this process alone, or says who holds it.
    static func takeExclusively(_ databasePath: String, for command: String) throws(ConfigurationError) {
        let fd = try open(databasePath)
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            guard errno == EWOULDBLOCK else { throw failure("cannot lock", databasePath) }
            throw ConfigurationError(description: """
                a service is running against \(databasePath): stop it (every replica) before \(command); nothing changed
                """)
        }
    }

    /// Next to the real file (a symlinked DATABASE_PATH locks the same file as the real one);
    /// read-only, which is all `flock` needs, so whoever created it, any user can lock it.
    private static func open(_ databasePath: String) throws(ConfigurationError) -> Int32 {
        let path = URL(fileURLWithPath: databasePath).resolvingSymlinksInPath().path + ".lock"
        let fd = Glibc.open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("cannot open", path) }
        return fd
    }

    private static func failure(_ what: String, _ path: String) -> ConfigurationError {
        ConfigurationError(description: "\(what) \(path): \(String(cString: strerror(errno)))")
    }
}
