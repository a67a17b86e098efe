/// A command line split into positional words and options, checked against what the command
/// accepts. Options may come anywhere, as `--name value` or `--name=value`; a value option may
/// be repeated (the command decides whether that means a list or a mistake).
struct Arguments {
    enum Kind { case flag, value }

    private(set) var positionals: [String] = []
    private var values: [String: [String]] = [:]
    private var flags: Set<String> = []

    init(_ words: [String], accepting options: [String: Kind]) throws(Failure) {
        var rest = words[...]
        while let word = rest.popFirst() {
            guard word.hasPrefix("-"), word != "-" else {
                positionals.append(word)
                continue
            }
            let (name, inline) = Arguments.split(word)
            switch options[name] {
            case nil:
                throw .usage("unknown option \(name)")
            case .flag:
                guard inline == nil else { throw .usage("\(name) takes no value") }
                flags.insert(name)
            case .value:
                // The next word is taken as is, so `--shift-by -5` works.
                guard let value = inline ?? rest.popFirst() else { throw .usage("\(name) needs a value") }
                values[name, default: []].append(value)
            }
        }
    }

    func flag(_ name: String) -> Bool { flags.contains(name) }

    func values(_ name: String) -> [String] { values[name] ?? [] }

    /// The option's value when given once; twice is a mistake, not "the last one wins".
    func value(_ name: String) throws(Failure) -> String? {
        let given = values(name)
        guard given.count <= 1 else { throw .usage("\(name) given more than once") }
        return given.first
    }

    /// `-h` is the only short option, kept because every tool has it.
    private static func split(_ word: String) -> (String, String?) {
        if word == "-h" { return ("--help", nil) }
        guard let eq = word.firstIndex(of: "=") else { return (word, nil) }
        return (String(word[..<eq]), String(word[word.index(after: eq)...]))
    }
}
