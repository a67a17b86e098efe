/// One value SQLite stores: a bound parameter or a column of a result row.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

extension SQLValue: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral,
    ExpressibleByFloatLiteral, ExpressibleByNilLiteral
{
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(stringLiteral value: String) { self = .text(value) }
    public init(floatLiteral value: Double) { self = .real(value) }
    public init(nilLiteral: ()) { self = .null }
}

// Domain code holds `Int`, `Bool` and optionals; these keep call sites free of conversions.
extension SQLValue {
    public static func int(_ value: Int) -> SQLValue { .integer(Int64(value)) }

    /// SQLite has no boolean type: stored as 0 or 1.
    public static func bool(_ value: Bool) -> SQLValue { .integer(value ? 1 : 0) }

    public static func optional(_ value: Int?) -> SQLValue { value.map(int) ?? .null }
    public static func optional(_ value: String?) -> SQLValue { value.map(text) ?? .null }
    public static func optional(_ value: Double?) -> SQLValue { value.map(real) ?? .null }
    public static func optional(_ value: Bool?) -> SQLValue { value.map(bool) ?? .null }
    public static func optional(_ value: [UInt8]?) -> SQLValue { value.map(blob) ?? .null }
}
