extension JSONNode {
    /// An object's member; nil for a missing key or anything but an object.
    public subscript(key: String) -> JSONNode? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    /// The text of a string; nil for anything else.
    public var stringValue: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }

    /// The elements of an array; nil for anything else.
    public var arrayValue: [JSONNode]? {
        guard case .array(let elements) = self else { return nil }
        return elements
    }
}
