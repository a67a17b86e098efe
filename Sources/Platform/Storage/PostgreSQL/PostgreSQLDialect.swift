/// How SQL written in the house dialect (SQLite's) becomes PostgreSQL's. Contexts write SQL
/// that both engines accept apart from these differences, which the driver owns:
/// - placeholders: `?` becomes `$1`, `$2`, … (outside string literals, quoted names and comments);
/// - column types in DDL: `INTEGER` is 64-bit in SQLite, so `BIGINT`; `REAL` is
///   `DOUBLE PRECISION`; `BLOB` is `BYTEA`; `INTEGER PRIMARY KEY AUTOINCREMENT` is an identity;
/// - `CAST(x AS INTEGER)` truncates in SQLite and rounds in PostgreSQL: it becomes
///   `CAST(TRUNC(CAST(x AS DOUBLE PRECISION)) AS BIGINT)`;
/// - functions SQLite has and PostgreSQL lacks (`julianday`, the two-argument `max` and `min`,
///   NULL when either argument is), which `schemaPrelude` defines in each database before its
///   migrations.
/// `$$` bodies are left alone; other dollar quotes (`$tag$`) are not recognised.
enum PostgreSQLDialect {
    /// The statement with numbered placeholders, and how many it has.
    static func statement(_ sql: String) -> (sql: String, placeholders: Int) {
        var count = 0
        let rewritten = rewriteOutsideQuotes(sql) { code in
            var out = ""
            for character in code {
                if character == "?" {
                    count += 1
                    out += "$\(count)"
                } else {
                    out.append(character)
                }
            }
            return out
        }
        let cast = truncatingCasts(rewritten)
        return (isSchemaChange(sql) ? types(cast) : cast, count)
    }

    /// A script (a migration): several statements, no parameters.
    static func script(_ sql: String) -> String { types(truncatingCasts(sql)) }

    /// Every `CAST(… AS INTEGER)` outside quotes, truncating as SQLite's does.
    static func truncatingCasts(_ sql: String) -> String {
        let characters = Array(sql)
        var out = ""
        var index = 0
        var quote: Character?
        while index < characters.count {
            let c = characters[index]
            if let q = quote {
                out.append(c)
                if c == q { quote = nil }
                index += 1
                continue
            }
            if c == "'" || c == "\"" {
                quote = c
                out.append(c)
                index += 1
                continue
            }
            // `CAST(` as a word, then its matching `)`, quotes inside skipped.
            if String(characters[index..<min(index + 5, characters.count)]).uppercased() == "CAST(",
               index == 0 || !(characters[index - 1].isLetter || characters[index - 1].isNumber || characters[index - 1] == "_"),
               let close = matchingParenthesis(characters, from: index + 4) {
                let inner = String(characters[(index + 5)..<close])
                if let range = inner.range(of: #"\s+AS\s+INTEGER\s*$"#, options: [.regularExpression, .caseInsensitive]) {
                    out += "CAST(TRUNC(CAST(\(truncatingCasts(String(inner[..<range.lowerBound]))) AS DOUBLE PRECISION)) AS BIGINT)"
                    index = close + 1
                    continue
                }
            }
            out.append(c)
            index += 1
        }
        return out
    }

    private static func matchingParenthesis(_ characters: [Character], from open: Int) -> Int? {
        var depth = 0
        var quote: Character?
        for index in open..<characters.count {
            let c = characters[index]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "(" {
                depth += 1
            } else if c == ")" {
                depth -= 1
                if depth == 0 { return index }
            }
        }
        return nil
    }

    static let schemaPrelude = """
        CREATE OR REPLACE FUNCTION julianday(t text) RETURNS double precision LANGUAGE sql STABLE
            AS $$ SELECT (extract(epoch FROM t::timestamptz) / 86400.0 + 2440587.5)::double precision $$;
        CREATE OR REPLACE FUNCTION max(a anycompatible, b anycompatible) RETURNS anycompatible LANGUAGE sql IMMUTABLE STRICT
            AS $$ SELECT GREATEST(a, b) $$;
        CREATE OR REPLACE FUNCTION min(a anycompatible, b anycompatible) RETURNS anycompatible LANGUAGE sql IMMUTABLE STRICT
            AS $$ SELECT LEAST(a, b) $$;
        """

    private static func isSchemaChange(_ sql: String) -> Bool {
        let first = sql.drop(while: \.isWhitespace).prefix(while: \.isLetter).uppercased()
        return first == "CREATE" || first == "ALTER"
    }

    /// Uppercase type names only, as whole words: the house style writes types in capitals, so a
    /// column named `real_price` or a word inside a literal is never touched.
    private static func types(_ sql: String) -> String {
        rewriteOutsideQuotes(sql) { code in
            var out = code.replacing("INTEGER PRIMARY KEY AUTOINCREMENT", with: "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")
            for (from, to) in [("INTEGER", "BIGINT"), ("REAL", "DOUBLE PRECISION"), ("BLOB", "BYTEA")] {
                out = out.replacing(try! Regex("\\b\(from)\\b"), with: to)
            }
            return out
        }
    }

    /// Applies `rewrite` to the parts of `sql` outside '…' literals, "…" names, `$$…$$` bodies
    /// and comments, leaving those as they are.
    private static func rewriteOutsideQuotes(_ sql: String, _ rewrite: (String) -> String) -> String {
        var out = ""
        var code = ""
        var index = sql.startIndex
        func flush() {
            out += rewrite(code)
            code = ""
        }
        func copy(until end: String) {
            // From `index` (the opening) to just past `end`, or to the end of the SQL.
            let openingEnd = sql.index(index, offsetBy: end == "*/" ? 2 : (end == "$$" ? 2 : 1))
            let closing = sql[openingEnd...].range(of: end)?.upperBound ?? sql.endIndex
            out += sql[index..<closing]
            index = closing
        }
        while index < sql.endIndex {
            let rest = sql[index...]
            if rest.hasPrefix("'") { flush(); copy(until: "'") }
            else if rest.hasPrefix("\"") { flush(); copy(until: "\"") }
            else if rest.hasPrefix("$$") { flush(); copy(until: "$$") }
            else if rest.hasPrefix("--") { flush(); copy(until: "\n") }
            else if rest.hasPrefix("/*") { flush(); copy(until: "*/") }
            else {
                code.append(sql[index])
                index = sql.index(after: index)
            }
        }
        flush()
        return out
    }
}
