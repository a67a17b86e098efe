/// One value SQLite stores: a bound parameter or a column of a result row.
public enum SQLiteValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

extension SQLiteValue: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral,
    ExpressibleByFloatLiteral, ExpressibleByNilLiteral
{
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(stringLiteral value: String) { self = .text(value) }
    public init(floatLiteral value: Double) { self = .real(value) }
    public init(nilLiteral: ()) { self = .null }
}

// Domain code holds `Int`, `Bool` and optionals; these keep call sites free of conversions.
extension SQLiteValue {
    public static func int(_ value: Int) -> SQLiteValue { .integer(Int64(value)) }

    /// SQLite has no boolean type: stored as 0 or 1.
    public static func bool(_ value: Bool) -> SQLiteValue { .integer(value ? 1 : 0) }

    public static func optional(_ value: Int?) -> SQLiteValue { value.map(int) ?? .null }
    public static func optional(_ value: String?) -> SQLiteValue { value.map(text) ?? .null }
    public static func optional(_ value: Double?) -> SQLiteValue { value.map(real) ?? .null }
    public static func optional(_ value: Bool?) -> SQLiteValue { value.map(bool) ?? .null }
    public static func optional(_ value: [UInt8]?) -> SQLiteValue { value.map(blob) ?? .null }
}
