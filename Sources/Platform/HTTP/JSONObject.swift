import JSON

/// A request body that must be a JSON object, read with the leniency our users need: numbers may
/// arrive as strings (`"qty": "10"`), which is what httpie sends for `qty=10`.
/// Every accessor throws a 400 problem whose detail names the field.
public struct JSONObject: Sendable {
    private let fields: JSONMembers

    /// Throws 400 unless `body` is a JSON object. Checking the Content-Type (415) is the caller's concern.
    public init(body: [UInt8]) throws(Problem) {
        guard let value = try? JSONNode(parsing: body) else { throw .badRequest("request body is not valid JSON") }
        guard case .object(let fields) = value else { throw .badRequest("request body must be a JSON object") }
        self.fields = fields
    }

    /// Accepts `10` and `"10"`; refuses `10.5`, `"abc"`, `true` and a missing field.
    public func int(_ key: String) throws(Problem) -> Int {
        guard let value = try optionalInt(key) else { throw Self.missing(key) }
        return value
    }

    /// nil when the field is absent or null.
    public func optionalInt(_ key: String) throws(Problem) -> Int? {
        switch fields[key] {
        case nil, .null?: return nil
        case .number(let text)?:
            if let value = Int(text) { return value }
            // `1.0` and `1e3` are whole numbers; `1e30` is one past Int.
            if let digits = JSONNode.wholeNumberDigits(text) {
                guard let whole = Int(digits) else { throw Self.outOfRange(key) }
                return whole
            }
        // Swift's Int("+5") is 5; a sign the client did not need is more likely a mistake than intent.
        case .string(let text)? where !text.hasPrefix("+"):
            if let value = Int(text) { return value }
            let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
            if !digits.isEmpty && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber) { throw Self.outOfRange(key) }
        default: break
        }
        throw Problem.badRequest("field '\(key)' must be an integer")
    }

    /// Accepts strings, and numbers as their text.
    public func string(_ key: String) throws(Problem) -> String {
        guard let value = try optionalString(key) else { throw Self.missing(key) }
        return value
    }

    /// nil when the field is absent or null.
    public func optionalString(_ key: String) throws(Problem) -> String? {
        switch fields[key] {
        case nil, .null?: return nil
        case .string(let text)?, .number(let text)?: return text
        default: throw Problem.badRequest("field '\(key)' must be a string")
        }
    }

    /// Accepts numbers and numeric strings; refuses NaN and infinity, which JSON cannot carry.
    public func double(_ key: String) throws(Problem) -> Double {
        guard let value = try optionalDouble(key) else { throw Self.missing(key) }
        return value
    }

    /// nil when the field is absent or null.
    public func optionalDouble(_ key: String) throws(Problem) -> Double? {
        switch fields[key] {
        case nil, .null?: return nil
        case .number(let text)?, .string(let text)?: if let value = Double(text), value.isFinite { return value }
        default: break
        }
        throw Problem.badRequest("field '\(key)' must be a number")
    }

    /// The field as it was sent; nil when it is absent or null.
    public func node(_ key: String) -> JSONNode? {
        fields[key].flatMap { $0 == .null ? nil : $0 }
    }

    /// True when the field is present, even as null (a PATCH may send null to clear a field).
    public func contains(_ key: String) -> Bool {
        fields[key] != nil
    }

    private static func outOfRange(_ key: String) -> Problem {
        .badRequest("field '\(key)' is an integer out of range")
    }

    private static func missing(_ key: String) -> Problem {
        .badRequest("field '\(key)' is required")
    }
}
