@testable import Chassis
import Synchronization
import Testing

@Suite("Worker threads and background jobs")
struct WorkerTests {
    @Test("a background job runs repeatedly at its interval and stop waits for it to end")
    func backgroundJob() throws {
        let runs = Atomic<Int>(0)
        let job = BackgroundJob(name: "counting", interval: .milliseconds(20), work: { runs.add(1, ordering: .relaxed) },
                                log: Logger(service: "test"))
        job.start()
        let deadline = ContinuousClock.now + .seconds(5)
        while runs.load(ordering: .relaxed) < 3 && ContinuousClock.now < deadline { _ = Worker().sleep(.milliseconds(10)) }
        job.stop()
        let afterStop = runs.load(ordering: .relaxed)
        #expect(afterStop >= 3)
        _ = Worker().sleep(.milliseconds(100))
        #expect(runs.load(ordering: .relaxed) == afterStop, "no run after stop returned")
    }

    @Test("a job whose work throws keeps running")
    func failingJob() {
        let runs = Atomic<Int>(0)
        struct Boom: Error {}
        let job = BackgroundJob(name: "failing", interval: .milliseconds(10), work: {
            runs.add(1, ordering: .relaxed)
            throw Boom()
        }, log: Logger(service: "test"))
        job.start()
        let deadline = ContinuousClock.now + .seconds(5)
        while runs.load(ordering: .relaxed) < 2 && ContinuousClock.now < deadline { _ = Worker().sleep(.milliseconds(10)) }
        job.stop()
        #expect(runs.load(ordering: .relaxed) >= 2)
    }

    @Test("a worker's sleep ends early, answering false, when the worker is asked to stop")
    func interruptibleSleep() {
        let worker = Worker()
        let slept = Mutex<(Bool, Duration)?>(nil)
        worker.start(name: "sleeper") {
            let start = ContinuousClock.now
            let completed = worker.sleep(.seconds(30))
            slept.withLock { $0 = (completed, ContinuousClock.now - start) }
        }
        _ = Worker().sleep(.milliseconds(50))
        worker.stop()
        #expect(!worker.isRunning)
        let (completed, duration) = slept.withLock { $0 } ?? (true, .seconds(30))
        #expect(!completed)
        #expect(duration < .seconds(2))
    }
}
