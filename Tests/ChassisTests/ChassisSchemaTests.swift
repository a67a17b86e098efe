@testable import Chassis
import Foundation
import Storage
import Testing

@Suite("The chassis' own tables")
struct ChassisSchemaTests {
    @Test("a database made before idempotency keys had a location gets the column, and creating again changes nothing")
    func addsLocation() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("chassis-schema-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let database = try Database(path: path)
        try database.write { c in
            try c.execute("""
                CREATE TABLE idempotency_keys (idempotency_key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, created_at REAL NOT NULL,
                                               status INTEGER, headers TEXT, body BLOB)
                """)
            try c.execute("INSERT INTO idempotency_keys (idempotency_key, fingerprint, created_at) VALUES ('k', 'f', 1)")
        }
        try ChassisSchema.create(in: database)
        try ChassisSchema.create(in: database)
        let row = try #require(try database.read { c in try c.queryOne("SELECT idempotency_key, location FROM idempotency_keys") })
        #expect(try row.string("idempotency_key") == "k")
        #expect(try row.optionalString("location") == nil)
    }
}
