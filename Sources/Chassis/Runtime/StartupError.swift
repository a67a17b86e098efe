import Foundation
import Storage

/// Prints why a service cannot start, one clear line on stderr, and exits 2 (or 1, see below).
public func fatalStartupError(_ error: any Error) -> Never {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    // A database server not reachable yet may be later: 1, so that devstack or Kubernetes
    // restarts the service. Anything else here is what an operator must mend: 2.
    if let database = error as? DatabaseError, database.kind == .unavailable || database.kind == .conflict { exit(1) }
    exit(2)
}
