import Chassis
import HTTP
import Storage

/// Owns the musicals and their seats: reservations take seats by a sync call (one conditional
/// `UPDATE`, so concurrent reservations never oversell) and give back what they took when
/// cancelled.
public enum MusicalContext: BoundedContext {
    public static let system = musical
    public static let name = "musical"
    public static let publishes: [any DomainEvent.Type] = [MusicalRegistered.self, ReservableSeatModified.self]
    public static let migrations = Musical.migrations

    public static func install(on service: Service) throws {
        service.route("POST", "/musicals", body: RegisterMusical.self, answers: .created(Musical.resource)) { request, command in
            try service.answer { work in
                guard let musical = try Musical.resource.insertIfAbsent([
                    "musical_id": .int(command.musicalId), "name": .text(command.name), "reservable_seat": .int(command.reservableSeat),
                ], work.db) else {
                    throw Problem.conflict("musicalId \(command.musicalId) is registered already")
                }
                try work.publish(musical.registered)
                return Musical.resource.created(musical, for: request)
            }
        }
        service.readRoutes(Musical.resource)
        service.keepStock(Musical.seats) { change, work in
            try work.publish(ReservableSeatModified(musicalId: change.item, holdId: change.holdId, change: change.change,
                                                    reservableSeat: change.remaining))
        }
    }
}
