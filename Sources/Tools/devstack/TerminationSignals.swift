import Glibc

/// SIGTERM and SIGINT, taken with `sigwait` on the main thread. They must be blocked before any
/// other thread starts, since threads inherit the mask (children do not: see `Spawn`).
enum TerminationSignals {
    static func block() {
        var set = signalSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
        signal(SIGPIPE, SIG_IGN)
    }

    /// Blocks the calling thread until SIGTERM or SIGINT arrives; returns its number.
    static func wait() -> Int32 {
        var set = signalSet()
        var received: Int32 = 0
        while sigwait(&set, &received) != 0 {}
        return received
    }

    private static func signalSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        return set
    }
}
