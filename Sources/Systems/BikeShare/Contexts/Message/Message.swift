import Chassis
import Storage

/// The `/messages` resource: the notification sent to a pass's buyer when its bicycle is rented
/// and when it is returned, once each.
public struct Message: Codable, Sendable, Equatable, Identifiable {
    public let id: Int, messageId: Int, ticketId: Int, bicycleId: Int, buyerPhoneNum: String?, kind: String, text: String, sentAt: String

    static let resource = Resource<Message>("messages", rel: "message", idColumn: "message_id")

    static let migrations = [
        Migration(1, "messages, one per rental and kind, and the buyers' phone numbers", """
            CREATE TABLE messages (
                message_id INTEGER PRIMARY KEY AUTOINCREMENT, ticket_id INTEGER NOT NULL, bicycle_id INTEGER NOT NULL,
                buyer_phone_num TEXT, kind TEXT NOT NULL, text TEXT NOT NULL, sent_at TEXT NOT NULL,
                UNIQUE (ticket_id, kind)
            );
            CREATE TABLE buyers (ticket_id INTEGER PRIMARY KEY, buyer_phone_num TEXT NOT NULL);
            """),
    ]
}
