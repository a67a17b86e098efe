import Storage
import Testing

@Suite("Values and rows")
struct ValueTests {
    @Test(
        "Every kind of value comes back from a table exactly as it was bound",
        arguments: [
            SQLValue.null, .integer(.max), .integer(.min), .integer(0), .real(3.25), .real(-0.5),
            .text("héllo wörld 🎉"), .text("nul\0inside"), .text(""), .blob([0, 1, 0, 255]), .blob([]),
        ])
    func roundTrip(value: SQLValue) throws {
        let database = try Database(path: ":memory:")
        defer { database.close() }
        let row = try database.write { connection in
            // No declared type, so SQLite applies no affinity conversion.
            try connection.execute("CREATE TABLE t (v)")
            try connection.execute("INSERT INTO t (v) VALUES (?)", value)
            return try connection.queryOne("SELECT v FROM t")
        }
        #expect(row?["v"] == value)
    }

    @Test("Typed accessors read what the conveniences and literals bind")
    func typedAccessors() throws {
        let database = try Database(path: ":memory:")
        defer { database.close() }
        let row = try #require(
            try database.write { connection in
                try connection.queryOne(
                    "SELECT ? AS i, ? AS big, ? AS yes, ? AS no, ? AS s, ? AS d, ? AS whole, ? AS b, ? AS missingInt, ? AS missingString, ? AS missingDouble, ? AS someInt",
                    .int(42), 9_000_000_000, .bool(true), .bool(false), "text", 2.5, 7, .blob([9]),
                    .optional(Int?.none), .optional(String?.none), nil, .optional(Int?.some(5)))
            })
        #expect(try row.int("i") == 42)
        #expect(try row.int64("big") == 9_000_000_000)
        #expect(try row.bool("yes"))
        #expect(try !row.bool("no"))
        #expect(try row.string("s") == "text")
        #expect(try row.optionalString("s") == "text")
        #expect(try row.double("d") == 2.5)
        #expect(try row.double("whole") == 7)
        #expect(try row.blob("b") == [9])
        #expect(try row.optionalInt("missingInt") == nil)
        #expect(try row.optionalString("missingString") == nil)
        #expect(try row.optionalDouble("missingDouble") == nil)
        #expect(try row.optionalInt("someInt") == 5)
    }

    @Test("A type mismatch, a NULL where a value is required or an unknown column names the column")
    func accessorErrors() throws {
        let database = try Database(path: ":memory:")
        defer { database.close() }
        let row = try #require(try database.read { try $0.queryOne("SELECT 'x' AS name, NULL AS empty") })
        #expect(try errorMessage { try row.int("name") }.contains("\"name\" holds text"))
        #expect(try errorMessage { try row.string("empty") }.contains("\"empty\" holds NULL"))
        #expect(try errorMessage { try row.optionalInt("name") }.contains("\"name\""))
        #expect(try errorMessage { try row.string("absent") }.contains("\"absent\""))
        #expect(row["absent"] == nil)
    }

    @Test("Parameters must match the statement's placeholders, and one call runs one statement")
    func parameterAndStatementChecks() throws {
        let database = try Database(path: ":memory:")
        defer { database.close() }
        try database.read { connection throws in
            #expect(try errorMessage { try connection.query("SELECT ?, ?", 1) }.contains("2 parameter(s), 1 given"))
            #expect(try errorMessage { try connection.query("SELECT 1; SELECT 2") }.contains("more than one statement"))
            #expect(try connection.query("SELECT 1 AS one; -- a trailing comment").count == 1)
        }
    }

    private func errorMessage<T>(_ body: () throws -> T) throws -> String {
        do {
            _ = try body()
        } catch let error as DatabaseError {
            return error.message
        }
        Issue.record("expected an DatabaseError")
        return ""
    }
}
