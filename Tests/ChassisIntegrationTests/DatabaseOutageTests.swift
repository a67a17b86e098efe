import Foundation
import Testing
import TestSupport

@Suite("Database outages", .serialized)
struct DatabaseOutageTests {
    @Test("PostgreSQL down: requests get 503 with nothing written, /readyz fails at once, /healthz after DATABASE_UNREACHABLE_SECONDS; back up, all recovers by itself")
    func postgresOutage() throws {
        let dir = try ProjectPaths.temporaryDirectory("db-outage")
        let broker = try TestBroker()
        let postgres = try DedicatedPostgreSQL()
        let ledger = try ServiceProcess("demo-ledger", broker: broker, directory: dir,
                                        database: .server(url: try postgres.newDatabase("ledger")),
                                        environment: ["DATABASE_UNREACHABLE_SECONDS": "3"])
        try ledger.start()
        let before = try ledger.recordEntry(account: "acc", amount: 1)

        postgres.stop()
        let refused = try ledger.send("POST", "/entries", json: ["account": "acc", "amount": 2])
        #expect(refused.status == 503, "\(String(decoding: refused.body, as: UTF8.self))")
        #expect(refused.headers["Retry-After"] == "1")
        #expect(try ledger.get("/readyz").status == 503, "not ready at the first failed probe")
        #expect(try ledger.get("/healthz").status == 200, "alive until the outage outlasts its bound")
        try eventually("/healthz fails once the database has been gone for 3 s", timeout: .seconds(10)) {
            try ledger.get("/healthz").status == 503
        }

        try postgres.start()
        try eventually("ready again once the server is back", timeout: .seconds(20)) { try ledger.get("/readyz").status == 200 }
        #expect(try ledger.get("/healthz").status == 200)
        let after = try ledger.recordEntry(account: "acc", amount: 3)
        try eventually("both entries took effect, and only they: the refused one left nothing") {
            Set(try ledger.effects().map(\.entryId)) == [before, after]
        }
        #expect(ledger.stop() == 0)
    }

    @Test("a service whose PostgreSQL cannot be reached at start exits 1 (a restart may find it), naming the server without its password")
    func unreachableAtStart() throws {
        let url = "postgres://ledger:secret-pw@127.0.0.1:\(try freePort())/ledger"
        let run = try runTool("demo-ledger", [], environment: ["DATABASE_URL": url, "HOST": "127.0.0.1", "PORT": "\(try freePort())"])
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("cannot connect to postgres://ledger:***@127.0.0.1"), "\(run)")
        #expect(!run.stderr.contains("secret-pw"))
    }
}
