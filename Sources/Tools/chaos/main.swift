import Foundation
import HTTP
import Processes
import Synchronization

// chaos SYSTEM [--seconds S] [--rate R] [--fault-every S] [--seed N] [--port-base P] [--faults KIND,...]
//
// Drives a steady load through the gateway of a system devstack runs, injects faults at seeded
// random moments, waits for everything to settle and checks that nothing was lost, applied twice
// or left half done. Prints the figures; exit 0 when every invariant held, 1 when one did not,
// 2 on bad usage. The seed it prints replays the same choices.

let usage = """
    usage: chaos \(scenarios.keys.sorted().joined(separator: "|")) [--seconds 60] [--rate 10] [--fault-every 8] [--seed N] [--port-base 8080] [--settle 120]
                 [--state-dir .devstack/SYSTEM] [--faults \(Faults.Kind.allCases.map(\.rawValue).joined(separator: ","))]
    Runs against `devstack up SYSTEM` on the same --port-base (gateway on base+8, control API on base+9) and --state-dir.
    --faults draws from those kinds only (default: every kind the stack can have; leader-down needs `up --broker mock`).
    """

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("chaos: \(message)\n".utf8))
    exit(status)
}

var arguments = CommandLine.arguments.dropFirst()
guard let system = arguments.popFirst(), !system.hasPrefix("-") else { fail("which system?\n\(usage)", status: 2) }
guard let makeScenario = scenarios[system] else {
    fail("\(system): the systems with their invariants written down are \(scenarios.keys.sorted().joined(separator: ", "))\n\(usage)", status: 2)
}
var stateDirectory = URL(fileURLWithPath: ".devstack/\(system)")
var faultKinds = Faults.Kind.allCases
var options: [String: Int] = ["--seconds": 60, "--rate": 10, "--fault-every": 8, "--port-base": 8080, "--settle": 120,
                              "--seed": Int(UInt32.random(in: 1...UInt32.max))]
while let option = arguments.popFirst() {
    if option == "--state-dir" {
        guard let path = arguments.popFirst(), !path.isEmpty else { fail("--state-dir needs a folder\n\(usage)", status: 2) }
        stateDirectory = URL(fileURLWithPath: path)
        continue
    }
    if option == "--faults" {
        let names = arguments.popFirst()?.split(separator: ",").map(String.init) ?? []
        let kinds = names.compactMap(Faults.Kind.init(rawValue:))
        guard !names.isEmpty, kinds.count == names.count else { fail("--faults takes fault kinds, comma-separated\n\(usage)", status: 2) }
        faultKinds = kinds
        continue
    }
    guard options[option] != nil else { fail("unknown option \(option)\n\(usage)", status: 2) }
    guard let text = arguments.popFirst(), let value = Int(text), value > 0 else { fail("\(option) needs a positive whole number\n\(usage)", status: 2) }
    options[option] = value
}
let seconds = options["--seconds"]!, rate = options["--rate"]!, seed = UInt64(options["--seed"]!)
let base = options["--port-base"]!, faultEvery = Double(options["--fault-every"]!), settleSeconds = options["--settle"]!
let stack = Stack(control: "http://127.0.0.1:\(base + 9)", gateway: "http://127.0.0.1:\(base + 8)")
let scenario = makeScenario(CarefulClient(stack: stack, seed: seed))
print("chaos \(system): seed \(seed), \(seconds) s at \(rate) \(scenario.noun)/s, a fault every ~\(options["--fault-every"]!) s")

// Signals blocked before any thread starts, so that this one alone takes them.
TerminationSignals.block()
let faultsToResume = Mutex<Faults?>(nil)
Thread { _ = TerminationSignals.wait(); faultsToResume.withLock { $0 }?.resumeAll(); exit(1) }.start()
let faults: Faults
do {
    faults = try Faults(stack: stack, kinds: faultKinds, stateDirectory: stateDirectory, seed: seed)
    faultsToResume.withLock { $0 = faults }
    try scenario.prepare(commands: seconds * rate)
} catch {
    fail("cannot start: \(error) (is `devstack up \(system) --port-base \(base)` running?)", status: 1)
}
print("faults drawn from: \(faults.kinds.map(\.rawValue).joined(separator: ", "))")

// The load: one command every 1/rate s, each on a thread of the pool (they block while retrying).
let started = ContinuousClock.now
let loadEnds = started + .seconds(seconds)
let group = DispatchGroup()
let pool = DispatchQueue(label: "chaos.load", attributes: .concurrent)
var random = SeededRandom(seed: seed ^ 0x10AD)
let faultThread = Thread {
    var faultRandom = SeededRandom(seed: seed ^ 0xFA17)
    let every = faultEvery
    while ContinuousClock.now < loadEnds {
        let next = ContinuousClock.now + .milliseconds(Int(every * (500 + Double(faultRandom.next() % 1000))))
        while ContinuousClock.now < min(next, loadEnds) { Thread.sleep(forTimeInterval: 0.05) }
        guard ContinuousClock.now < loadEnds else { break }
        let done = (try? faults.injectOne()) ?? "fault failed"
        print("  \(Int((ContinuousClock.now - started).components.seconds)) s: \(done)")
    }
}
faultThread.start()
var number = 0
while ContinuousClock.now < loadEnds {
    let due = started + .milliseconds(number * 1000 / rate)
    if due > .now { Thread.sleep(forTimeInterval: (due - .now).timeInterval) }
    let (this, pick) = (number, random.next())
    pool.async(group: group) { scenario.command(this, random: pick) }
    number += 1
}
group.wait()
while faultThread.isExecuting { Thread.sleep(forTimeInterval: 0.1) }
faults.resumeAll()

// Settling: the sagas finish, views catch up, outboxes empty, lag returns to 0.
let settleStarted = ContinuousClock.now
var problems: [String] = []
repeat {
    do {
        problems = try scenario.violations()
    } catch {
        problems = ["the system did not answer while settling: \(error)"]
    }
    if problems.isEmpty { break }
    Thread.sleep(forTimeInterval: 1)
} while ContinuousClock.now - settleStarted < .seconds(settleSeconds)

let tally = scenario.client.tally
let outcomes = (try? scenario.outcomes()) ?? [:]
func counts(_ counts: [String: Int]) -> String {
    counts.isEmpty ? "none" : counts.sorted { $0.key < $1.key }.map { "\($0.value)× \($0.key)" }.joined(separator: ", ")
}
let gaveUp = tally.gaveUp > 0 ? "; \(tally.gaveUp) given up after \(CarefulClient.patience)" : ""
print("requests: \(number) \(scenario.noun) placed, \(tally.accepted) accepted; \(tally.sent) sent in all; retried: \(counts(tally.retried)); "
      + "rejected: \(counts(tally.rejected))\(gaveUp)")
print("faults: " + faults.kinds.map { "\(faults.injected[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", "))
print("\(scenario.noun): " + outcomes.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
if problems.isEmpty {
    print("settled in \(Int((ContinuousClock.now - settleStarted).components.seconds)) s; every invariant held: \(scenario.invariants)")
    exit(tally.gaveUp == 0 ? 0 : 1)
}
print("NOT settled after \(settleSeconds) s: \(problems.count) invariant(s) broken (replay with --seed \(seed)):")
problems.prefix(50).forEach { print("  \($0)") }
exit(1)
