import Chassis
import HTTP
import Storage

/// The `/bicycles` resource: a bicycle and, while rented, the pass it is rented with.
public struct Bicycle: Codable, Sendable, Equatable, Identifiable {
    public let id: Int, bicycleId: Int, bicycleStatus: BicycleStatus
    public let ticketId: Int?, usingTime: Int?, rentedAt: String?

    static let resource = Resource<Bicycle>("bicycles", rel: "bicycle", idColumn: "bicycle_id", status: "bicycle_status")

    static let migrations = [
        Migration(1, "bicycles, and every rental: the pass each used", """
            CREATE TABLE bicycles (
                bicycle_id INTEGER PRIMARY KEY AUTOINCREMENT, bicycle_status TEXT NOT NULL,
                ticket_id INTEGER, using_time INTEGER, rented_at TEXT
            );
            CREATE TABLE rentals (
                id INTEGER PRIMARY KEY AUTOINCREMENT, bicycle_id INTEGER NOT NULL, ticket_id INTEGER NOT NULL UNIQUE,
                using_time INTEGER NOT NULL, rented_at TEXT NOT NULL, returned_at TEXT
            );
            \(StockClaims.schema)
            """),
    ]
}

/// One rental: what holds the pass's use it took.
struct Rental: Codable, Sendable, Identifiable {
    let id: Int, bicycleId: Int, ticketId: Int, usingTime: Int, rentedAt: String

    static let resource = Resource<Rental>("rentals", rel: "rental")
}

/// `PATCH /bicycles/{id}`: rent it with a pass (`ticketId=1 [usingTime=60]`), or return it
/// (`bicycleStatus=Returned`).
struct BicycleRequest: RequestBody {
    let ticketId: Int?, usingTime: Int?, bicycleStatus: String?

    enum Action {
        case rent(ticketId: Int, usingTime: Int?)
        case giveBack
    }

    /// What the request asks, once `validate` has passed.
    var action: Action {
        ticketId.map { .rent(ticketId: $0, usingTime: usingTime) } ?? .giveBack
    }

    func validate() throws(Problem) {
        if ticketId != nil {
            if let usingTime, usingTime < 1 { throw .badRequest("field 'usingTime' must be a positive number of minutes") }
            if let bicycleStatus, bicycleStatus != BicycleStatus.rented.rawValue {
                throw .badRequest("renting makes a bicycle '\(BicycleStatus.rented.rawValue)'; bicycleStatus '\(bicycleStatus)' cannot be set with a ticketId")
            }
        } else if bicycleStatus != "Returned" {
            throw .badRequest("rent with ticketId=… [usingTime=…], or return with bicycleStatus=Returned")
        }
    }
}

/// `POST /bicycles [bicycleStatus=Registered]`.
struct RegisterBicycle: RequestBody {
    /// Optional; a new bicycle is `Registered`.
    let bicycleStatus: String?

    func validate() throws(Problem) {
        if let bicycleStatus, bicycleStatus != BicycleStatus.registered.rawValue {
            throw .badRequest("a new bicycle is '\(BicycleStatus.registered.rawValue)'; bicycleStatus '\(bicycleStatus)' cannot be set on POST")
        }
    }
}
