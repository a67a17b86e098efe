/// A flat JSON object on one line, keys sorted, strings escaped as RFC 8259 requires, ending in a
/// newline: the shape of every log line. Written by hand because JSONSerialization cost more than
/// the request the line logs.
public enum JSONLine {
    public enum Value: Sendable, Equatable {
        case string(String)
        case int(Int)
        case bool(Bool)
    }

    public static func render(_ fields: [String: Value]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(256)
        for (index, key) in fields.keys.sorted().enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.appendString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            switch fields[key]! {
            case .string(let value): JSONText.appendString(value, to: &out)
            case .int(let value): JSONText.appendInteger(value, to: &out)
            case .bool(let value): out += (value ? "true" : "false").utf8
            }
        }
        out += "}\n".utf8
        return out
    }
}
