import Foundation
import Storage
import Synchronization
import Testing

private struct UnexpectedRead: Error {
    let name: String?
}

@Suite("Two connections on one file")
struct ConcurrencyTests {
    @Test("Reads run beside a write in progress, and see what was committed before it")
    func readsBesideAWrite() throws {
        try withTemporaryDatabasePath { path in
            let database = try Database(path: path)
            defer { database.close() }
            try database.write { connection in
                try connection.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
                try connection.execute("INSERT INTO item (id, name) VALUES (1, 'committed')")
            }
            let writing = Atomic(false)
            let writer = Thread {
                try? database.write { connection in
                    try connection.execute("UPDATE item SET name = 'uncommitted' WHERE id = 1")
                    writing.store(true, ordering: .releasing)
                    Thread.sleep(forTimeInterval: 1.5)
                }
            }
            writer.start()
            while !writing.load(ordering: .acquiring) { Thread.sleep(forTimeInterval: 0.001) }
            let started = ContinuousClock.now
            let errors = onThreads(4) { _ in
                let name = try database.read { try $0.queryOne("SELECT name FROM item WHERE id = 1")?.string("name") }
                guard name == "committed" else { throw UnexpectedRead(name: name) }
            }
            #expect(errors.isEmpty)
            #expect(started.duration(to: .now) < .milliseconds(1000), "the reads waited for the write")
        }
    }

    @Test("Writers on two connections and two threads both succeed thanks to the busy timeout")
    func concurrentIncrements() throws {
        try withTemporaryDatabasePath { path in
            let databases = [try Database(path: path), try Database(path: path)]
            defer { databases.forEach { $0.close() } }
            try databases[0].write { connection in
                try connection.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
                try connection.execute("INSERT INTO counter (id, n) VALUES (1, 0)")
            }
            let errors = onThreads(2) { index in
                for _ in 0..<500 {
                    try databases[index].write { try $0.execute("UPDATE counter SET n = n + 1 WHERE id = 1") }
                }
            }
            #expect(errors.isEmpty)
            #expect(try databases[1].read { try $0.queryOne("SELECT n FROM counter")?.int("n") } == 1000)
        }
    }

    @Test("A conditional decrement shared by many threads never takes stock below zero")
    func conditionalDecrement() throws {
        try withTemporaryDatabasePath { path in
            let databases = [try Database(path: path), try Database(path: path)]
            defer { databases.forEach { $0.close() } }
            try databases[0].write { connection in
                try connection.execute("CREATE TABLE seat_stock (id INTEGER PRIMARY KEY, stock INTEGER NOT NULL)")
                try connection.execute("INSERT INTO seat_stock (id, stock) VALUES (1, 100)")
            }
            let taken = Mutex(0)
            let errors = onThreads(8) { index in
                for attempt in 0..<40 {
                    let quantity = 1 + (index + attempt) % 3
                    let changed = try databases[index % 2].write { connection in
                        try connection.execute(
                            "UPDATE seat_stock SET stock = stock - ? WHERE id = ? AND stock >= ?",
                            .int(quantity), 1, .int(quantity))
                    }
                    if changed == 1 { taken.withLock { $0 += quantity } }
                }
            }
            #expect(errors.isEmpty)
            let stock = try databases[0].read { try $0.queryOne("SELECT stock FROM seat_stock")?.int("stock") }
            #expect(stock == 100 - taken.withLock { $0 })
            #expect(stock.map { $0 >= 0 } == true)
        }
    }
}
