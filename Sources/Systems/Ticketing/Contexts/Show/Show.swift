import Chassis
import Foundation
import HTTP
import Storage

/// The `/shows` resource: a show's seats, `remainCount` of `totalCount` still free.
public struct Show: Codable, Sendable, Equatable, Identifiable {
    public let id: Int, showName: String, totalCount: Int, remainCount: Int

    static let resource = Resource<Show>("shows", rel: "show")

    static let migrations = [
        Migration(1, "shows and the seats each booking holds", """
            CREATE TABLE shows (
                id INTEGER PRIMARY KEY AUTOINCREMENT, show_name TEXT NOT NULL,
                total_count INTEGER NOT NULL, remain_count INTEGER NOT NULL CHECK (remain_count >= 0)
            );
            -- One row per booking the show has answered, so a cancellation releases exactly the
            -- seats that booking holds, once.
            CREATE TABLE seat_holds (
                booking_id INTEGER PRIMARY KEY, show_id INTEGER NOT NULL, qty INTEGER NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('Held', 'Rejected', 'Released'))
            );
            """),
    ]
}

/// `POST /shows showName=… totalCount=100 remainCount=100`; `remainCount` defaults to `totalCount`.
struct RegisterShow: RequestBody {
    let showName: String, totalCount: Int
    private let remainCount: Int?

    var seatsLeft: Int { remainCount ?? totalCount }

    func validate() throws(Problem) {
        guard !showName.trimmingCharacters(in: .whitespaces).isEmpty else { throw .badRequest("field 'showName' must not be empty") }
        guard (1...1_000_000).contains(totalCount) else { throw .badRequest("field 'totalCount' must be between 1 and 1000000") }
        guard (0...totalCount).contains(seatsLeft) else { throw .badRequest("field 'remainCount' must be between 0 and totalCount") }
    }
}
