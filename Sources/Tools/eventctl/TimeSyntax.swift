import Foundation

/// The time notations eventctl reads. Each throws a usage failure that names the expected form,
/// because a mistyped date must never be guessed into a reset.
enum TimeSyntax {
    /// `--timeout`: `10s`, `500ms`, `1m`, or a bare number of milliseconds as in Kafka's tools.
    static func timeoutMilliseconds(_ text: String) throws(Failure) -> Int64 {
        let units: [(suffix: String, milliseconds: Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000)]
        let (digits, scale) = units.first { text.hasSuffix($0.suffix) }
            .map { (String(text.dropLast($0.suffix.count)), $0.milliseconds) } ?? (text, 1)
        guard let value = Int64(digits), value > 0, digits.allSatisfy(\.isNumber) else {
            throw .usage("malformed timeout '\(text)': expected e.g. 10s, 500ms, 1m or milliseconds")
        }
        return value * scale
    }

    /// `--to-datetime`: `YYYY-MM-DDTHH:MM:SS[.fff]`, optionally with `Z` or `±HH:MM`; without a
    /// zone it is local time, as in kafka-consumer-groups.sh.
    static func dateTime(_ text: String) throws(Failure) -> Date {
        let problem = Failure.usage("malformed date-time '\(text)': expected YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM], e.g. 2026-11-21T10:00:00")
        let halves = text.split(separator: "T", omittingEmptySubsequences: false)
        guard halves.count == 2 else { throw problem }
        let (clock, zone) = try splitZone(String(halves[1]), problem)
        let date = halves[0].split(separator: "-", omittingEmptySubsequences: false)
        let time = clock.split(separator: ":", omittingEmptySubsequences: false)
        guard date.count == 3, time.count == 3, date[0].count == 4, date[1].count == 2, date[2].count == 2,
              time[0].count == 2, time[1].count == 2 else { throw problem }
        let secondParts = time[2].split(separator: ".", omittingEmptySubsequences: false)
        guard secondParts[0].count == 2, secondParts.count <= 2, secondParts.count == 1 || !secondParts[1].isEmpty,
              let fraction = Double("0." + (secondParts.count == 2 ? secondParts[1] : "0")) else { throw problem }
        let numbers = [date[0], date[1], date[2], time[0], time[1], secondParts[0]].map { part in
            part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber) ? Int(part) : nil
        }
        guard numbers.allSatisfy({ $0 != nil }) else { throw problem }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(year: numbers[0], month: numbers[1], day: numbers[2],
                                        hour: numbers[3], minute: numbers[4], second: numbers[5])
        // The calendar rolls 2026-02-30 over into March: only a date that reads back the same is real.
        guard let parsed = calendar.date(from: components),
              calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: parsed) == components
        else { throw problem }
        return parsed.addingTimeInterval(fraction)
    }

    /// `--by-duration`: ISO-8601 `PnDTnHnMnS` (seconds may have a fraction), e.g. `PT1H`, `P1DT12H`.
    /// Months and years are refused: they have no fixed length.
    static func isoDuration(_ text: String) throws(Failure) -> Duration {
        let problem = Failure.usage("malformed duration '\(text)': expected ISO-8601 PnDTnHnMnS, e.g. PT1H, PT30M, P1DT12H")
        let upper = text.uppercased()
        guard upper.first == "P" else { throw problem }
        let halves = upper.dropFirst().split(separator: "T", maxSplits: 1, omittingEmptySubsequences: false)
        let (days, time) = (halves[0], halves.count == 2 ? halves[1] : nil)
        guard !(days.isEmpty && time == nil), time?.isEmpty != true else { throw problem }
        let seconds = try sum(days, units: [("D", 86_400)], problem) + sum(time ?? "", units: [("H", 3600), ("M", 60), ("S", 1)], problem)
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// Adds up `12H30M`-style components, which must come in the order of `units`; only seconds
    /// may have a fraction.
    private static func sum(_ text: Substring, units: [(letter: Character, seconds: Double)], _ problem: Failure) throws(Failure) -> Double {
        var total = 0.0
        var number = ""
        var remaining = units[...]
        for character in text {
            guard !character.isNumber && character != "." else {
                number.append(character)
                continue
            }
            guard let index = remaining.firstIndex(where: { $0.letter == character }), let value = Double(number),
                  !number.contains(".") || character == "S" else { throw problem }
            total += value * remaining[index].seconds
            remaining = remaining[(index + 1)...]
            number = ""
        }
        guard number.isEmpty else { throw problem }
        return total
    }

    private static func splitZone(_ clock: String, _ problem: Failure) throws(Failure) -> (String, TimeZone) {
        if clock.hasSuffix("Z") { return (String(clock.dropLast()), TimeZone(identifier: "UTC")!) }
        guard let sign = clock.lastIndex(where: { $0 == "+" || $0 == "-" }) else { return (clock, .current) }
        let offset = clock[clock.index(after: sign)...].split(separator: ":", omittingEmptySubsequences: false)
        guard offset.count <= 2, offset.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isNumber) }),
              let hours = Int(offset[0]), let minutes = Int(offset.count == 2 ? offset[1] : "00"), hours <= 18, minutes < 60,
              let zone = TimeZone(secondsFromGMT: (clock[sign] == "-" ? -1 : 1) * (hours * 3600 + minutes * 60))
        else { throw problem }
        return (String(clock[..<sign]), zone)
    }
}
