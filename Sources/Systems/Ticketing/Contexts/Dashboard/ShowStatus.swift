import Chassis
import Storage

/// The `/showStatuses` resource: one booking's progress across booking, pay and issuance,
/// built only from their events (CQRS). Its `id` is the booking id, so a view rebuilt from the
/// log has the same ids whatever order the topics are read in.
public struct ShowStatus: Codable, Sendable, Equatable, Identifiable {
    public let id: Int, bookId: Int
    public let showName: String?, qty: Int?, payAmount: Int?
    public let bookStatus: BookStatus?, payStatus: PayStatus?, issueStatus: IssueStatus?

    static let resource = Resource<ShowStatus>("showStatuses", rel: "showStatus", table: "show_statuses", idColumn: "book_id")

    static let migrations = [
        Migration(1, "the show status view", """
            CREATE TABLE show_statuses (
                book_id INTEGER PRIMARY KEY, show_name TEXT, qty INTEGER, pay_amount INTEGER,
                book_status TEXT, pay_status TEXT, issue_status TEXT
            );
            """),
        Migration(2, "when each status was set, so an older event never overwrites a newer one", """
            ALTER TABLE show_statuses ADD COLUMN book_status_at TEXT;
            ALTER TABLE show_statuses ADD COLUMN pay_status_at TEXT;
            ALTER TABLE show_statuses ADD COLUMN issue_status_at TEXT;
            """),
    ]
}
