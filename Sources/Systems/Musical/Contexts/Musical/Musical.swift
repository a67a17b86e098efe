import Chassis
import HTTP
import Storage

/// The `/musicals` resource: a musical and its `reservableSeat` seats still free. `musicalId`
/// is its business key, the one reservations name.
public struct Musical: Codable, Sendable, Equatable, Identifiable {
    public let id: Int, musicalId: Int, name: String, reservableSeat: Int

    static let resource = Resource<Musical>("musicals", rel: "musical")
    static let seats = StockLedger(resource, key: "musical_id", quantity: "reservable_seat")

    static let migrations = [
        Migration(1, "musicals and the seats reservations hold", """
            CREATE TABLE musicals (
                id INTEGER PRIMARY KEY AUTOINCREMENT, musical_id INTEGER NOT NULL UNIQUE, name TEXT NOT NULL,
                reservable_seat INTEGER NOT NULL CHECK (reservable_seat >= 0)
            );
            \(StockLedger.schema)
            """),
    ]

    var registered: MusicalRegistered {
        MusicalRegistered(id: id, musicalId: musicalId, name: name, reservableSeat: reservableSeat)
    }
}

/// `POST /musicals musicalId=1003 name=HOT reservableSeat=100000`.
struct RegisterMusical: RequestBody {
    let musicalId: Int, name: String, reservableSeat: Int

    func validate() throws(Problem) {
        guard musicalId > 0 else { throw .badRequest("field 'musicalId' must be positive") }
        guard !name.allSatisfy(\.isWhitespace) else { throw .badRequest("field 'name' must not be empty") }
        guard (0...1_000_000).contains(reservableSeat) else { throw .badRequest("field 'reservableSeat' must be between 0 and 1000000") }
    }
}
