import Chassis
import Foundation
import HTTP

/// What every system must show, checked the same way for each (as Watermill's shared pub/sub
/// tests are): its seed's commands work in a row, every collection is Spring-Data-REST-shaped,
/// every policy is idempotent under redelivery, every view rebuilds from the events to the same
/// rows. Each check answers what it found wrong, empty when nothing.
public enum Conformance {
    /// Every check, the examples first (they give the others something to look at).
    public static func check(_ system: SystemTester) throws -> [String] {
        try examples(system) + collections(system) + redelivery(system) + rebuilds(system)
    }

    /// Runs the manifest's examples (the seed's own `http` commands) back to back: each answers 2xx.
    public static func examples(_ system: SystemTester) throws -> [String] {
        var problems: [String] = []
        for example in system.manifest.examples {
            let command = try HTTPieCommand(example)
            let answer = try system.request(command.method, command.path, command.fields)
            if !(200..<300).contains(answer.status) { problems.append("\(example) answered \(answer)") }
        }
        return problems
    }

    /// `GET` on every route (so every route is a collection, named as its path) answers `{"_embedded":{"<name>":[…]},"_links":{"self":…}}`, and each
    /// item carries its `id` and `_links.self`.
    public static func collections(_ system: SystemTester) throws -> [String] {
        var problems: [String] = []
        for context in system.manifest.contexts {
            for route in context.routes {
                let answer = try system[context.name].request("GET", route)
                let name = String(route.dropFirst())
                guard answer.status == 200, let items = (answer.json["_embedded"] as? [String: Any])?[name] as? [[String: Any]] else {
                    problems.append("GET \(route) is not a collection under _embedded.\(name): \(answer)")
                    continue
                }
                if (answer.json["_links"] as? [String: Any])?["self"] == nil { problems.append("GET \(route) has no _links.self") }
                for item in items where item["id"] == nil || (item["_links"] as? [String: Any])?["self"] == nil {
                    problems.append("an item of GET \(route) lacks id or _links.self: \(item)")
                }
            }
        }
        return problems
    }

    /// Delivers again every event each context was given: with the same ids the inbox skips
    /// them; as new events (a publisher that sent one twice) the policies themselves must change
    /// nothing.
    public static func redelivery(_ system: SystemTester) throws -> [String] {
        var problems: [String] = []
        for (name, events) in system.delivered.sorted(by: { $0.key < $1.key }) {
            let tester = system[name]
            let before = try tester.snapshot()
            for (topic, envelope) in events where try tester.deliver(envelope, from: topic) != .duplicate {
                problems.append("\(name) processed \(envelope.type) \(envelope.id) a second time")
            }
            for (topic, envelope) in events {
                try tester.deliver(envelope.withNewID(), from: topic)
            }
            if try tester.snapshot() != before { problems.append("\(name)'s state changed when its events were delivered again") }
        }
        return problems
    }

    /// Empties each declared view (and its inbox, as `reset-view` does), delivers its events again
    /// one topic after the other, each in its order (a rebuild reads topics at its own pace), and
    /// compares: a view rebuilt from the log has the same rows.
    public static func rebuilds(_ system: SystemTester) throws -> [String] {
        var problems: [String] = []
        for context in system.manifest.contexts where !context.views.isEmpty {
            let tester = system[context.name]
            let before = try tester.snapshot(tables: context.views)
            try tester.resetViews()
            let events = system.delivered[context.name] ?? []
            for topic in Set(events.map(\.topic)).sorted(by: >) {
                for event in events where event.topic == topic { try tester.deliver(event.envelope, from: topic) }
            }
            let after = try tester.snapshot(tables: context.views)
            if after != before { problems.append("\(context.name)'s views differ after a rebuild: \(before) became \(after)") }
            if before.values.allSatisfy(\.isEmpty) { problems.append("\(context.name)'s views were empty: the examples exercised nothing") }
        }
        return problems
    }
}

extension Conformance {
    /// The table of a system's page (`| \`ticketing-booking\` | 8081 | \`/bookings\` | … |`) lists
    /// each context's executable, default port and routes, as the manifest says, in its order.
    public static func documentedTable(of manifest: SystemManifest, in markdown: String) -> [String] {
        let rows = markdown.split(separator: "\n").filter { $0.hasPrefix("| `\(manifest.name)-") }.map { line in
            line.split(separator: "|").prefix(3).map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "`", with: "") }
        }
        let expected = manifest.contexts.map { [$0.executable, "\($0.defaultPort)", $0.routes.joined(separator: ", ")] }
        return rows == expected ? [] : ["the page's table says \(rows), the manifest \(expected)"]
    }
}

extension EventEnvelope {
    /// The same event as a new one: another id, as when a publisher sends it twice.
    func withNewID() -> EventEnvelope {
        EventEnvelope(type: type, source: source, time: time, subject: subject, correlationID: correlationID, data: data)
    }
}

/// One httpie command as the seeds write them: `http [-flags] [METHOD] :PORT/path field=value …`.
/// Without a method it is a GET, or a POST when it sends fields. `field=value` sends a string,
/// `field:=value` raw JSON; quotes are the shell's (`title="The Lord"` is one word).
struct HTTPieCommand {
    let method: String
    let path: String
    let fields: [String: Any]?

    init(_ text: String) throws {
        var words = try Self.shellWords(text)
        guard words.first == "http", words.count >= 2 else { throw TesterError("not an httpie command: \(text)") }
        words.removeFirst()
        words.removeAll { $0.hasPrefix("-") }
        guard !words.isEmpty else { throw TesterError("no path in: \(text)") }
        let methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
        let given = methods.contains(words[0].uppercased()) ? words.removeFirst().uppercased() : nil
        guard let url = words.first, let slash = url.firstIndex(of: "/") else { throw TesterError("no path in: \(text)") }
        path = String(url[slash...])
        var fields: [String: Any] = [:]
        for word in words.dropFirst() {
            if let raw = word.range(of: ":=") {
                let value = String(word[raw.upperBound...])
                fields[String(word[..<raw.lowerBound])] = try JSONSerialization.jsonObject(with: Data(value.utf8), options: .fragmentsAllowed)
            } else if let equals = word.firstIndex(of: "=") {
                fields[String(word[..<equals])] = String(word[word.index(after: equals)...])
            } else {
                throw TesterError("'\(word)' is neither field=value nor field:=json in: \(text)")
            }
        }
        method = given ?? (fields.isEmpty ? "GET" : "POST")
        self.fields = fields.isEmpty ? nil : fields
    }

    /// Splits as a shell does: spaces separate words, except inside single or double quotes,
    /// which are removed.
    static func shellWords(_ text: String) throws -> [String] {
        var words: [String] = [], word = "", quote: Character?, inWord = false
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { word.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                inWord = true
            } else if character == " " {
                if inWord { words.append(word) }
                word = ""
                inWord = false
            } else {
                word.append(character)
                inWord = true
            }
        }
        guard quote == nil else { throw TesterError("unclosed quote in: \(text)") }
        if inWord { words.append(word) }
        return words
    }
}
