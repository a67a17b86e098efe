import Foundation
import Kafka

/// How records read in eventctl's tables: text where the bytes are text, `-` where nothing is known.
extension ConsumedMessage {
    func header(_ name: String) -> String { headers.text(name).flatMap { $0.isEmpty ? nil : $0 } ?? "-" }

    var keyText: String { key.map { String(decoding: $0, as: UTF8.self) } ?? "-" }

    var position: String { "\(topic):\(partition):\(offset)" }

    /// CloudEvents' `ce_time` when the record has one, else the Kafka timestamp.
    var time: Date? {
        if let text = headers.text("ce_time"),
           let date = (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)) ?? (try? Date.ISO8601FormatStyle().parse(text)) {
            return date
        }
        return timestamp.map { Date(timeIntervalSince1970: Double($0) / 1000) }
    }

    var timeText: String {
        headers.text("ce_time").flatMap { $0.isEmpty ? nil : $0 }
            ?? time.map { $0.ISO8601Format(.init(includingFractionalSeconds: true)) } ?? "-"
    }
}
