/// A setting the gateway cannot start with; its text is the one line printed before exit 2.
struct ConfigurationError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
