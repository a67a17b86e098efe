import Foundation

/// Prints why a service cannot start, one clear line on stderr, and exits 2.
public func fatalStartupError(_ error: any Error) -> Never {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(2)
}
