/// The outcomes of the last `capacity` calls, with running counts so that recording a call
/// and computing the rates stay constant-time.
struct CallOutcomeWindow {
    struct Outcome {
        let failed: Bool
        let slow: Bool
    }

    let capacity: Int
    private var outcomes: [Outcome] = []
    /// Where the next outcome goes once the window is full: the slot of the oldest one.
    private var oldest = 0
    private var failures = 0
    private var slowCalls = 0

    init(capacity: Int) {
        self.capacity = capacity
        outcomes.reserveCapacity(capacity)
    }

    var count: Int { outcomes.count }
    var failureRate: Double { percent(failures) }
    var slowCallRate: Double { percent(slowCalls) }

    mutating func record(_ outcome: Outcome) {
        if outcomes.count < capacity {
            outcomes.append(outcome)
        } else {
            tally(outcomes[oldest], by: -1)
            outcomes[oldest] = outcome
            oldest = (oldest + 1) % capacity
        }
        tally(outcome, by: 1)
    }

    private mutating func tally(_ outcome: Outcome, by delta: Int) {
        if outcome.failed { failures += delta }
        if outcome.slow { slowCalls += delta }
    }

    private func percent(_ part: Int) -> Double {
        outcomes.isEmpty ? 0 : Double(part) * 100 / Double(outcomes.count)
    }
}
