import Chassis
import HTTP
import Storage

/// Owns the gifticons and their quantity: carts take from it by a sync call (one conditional
/// `UPDATE`, so concurrent carts never oversell) and give back what they took when removed.
public enum GifticonContext: BoundedContext {
    public static let system = gifticon
    public static let name = "gifticon"
    public static let publishes: [any DomainEvent.Type] = [GifticonRegistered.self, QuantityModified.self]
    public static let migrations = Gifticon.migrations

    public static func install(on service: Service) throws {
        service.route("POST", "/gifticons", body: RegisterGifticon.self, answers: .created(Gifticon.resource)) { request, command in
            try service.answer { work in
                guard let gifticon = try Gifticon.resource.insertIfAbsent([
                    "gifticon_id": .int(command.gifticonId), "name": .text(command.name),
                    "available_quantity": .int(command.availableQuantity), "price": .int(command.price),
                ], work.db) else {
                    throw Problem.conflict("gifticonId \(command.gifticonId) is registered already")
                }
                try work.publish(gifticon.registered)
                return Gifticon.resource.created(gifticon, for: request)
            }
        }
        service.readRoutes(Gifticon.resource)
        service.keepStock(Gifticon.stock) { change, work in
            try work.publish(QuantityModified(gifticonId: change.item, holdId: change.holdId, change: change.change,
                                              availableQuantity: change.remaining))
        }
    }
}
