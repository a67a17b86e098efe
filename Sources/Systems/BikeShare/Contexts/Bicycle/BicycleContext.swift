import Chassis
import Foundation
import HTTP
import Storage

/// Registers, rents, takes back and deletes bicycles. Renting uses the pass at ticket by a sync
/// call (a `StockClaims` take of the pass's one use, keyed by the rental), so a pass rents once
/// and only once paid; of concurrent rents of one bicycle one wins, and the others' passes are
/// given back at once. Renting depends on ticket alone; returning on no other service.
public enum BicycleContext: BoundedContext {
    public static let system = bikeshare
    public static let name = "bicycle"
    public static let publishes: [any DomainEvent.Type] = [
        BicycleRegistered.self, BicycleRented.self, BicycleReturned.self, BicycleDeleted.self,
    ]
    public static let migrations = Bicycle.migrations

    public static func install(on service: Service) throws {
        let ticket = try service.upstream("ticket", timeout: .seconds(2), breaker: CircuitBreakerConfiguration(
            slidingWindowSize: 10, minimumNumberOfCalls: 5, waitDurationInOpenState: .seconds(3)))
        let passes = try service.stockClaims(from: ticket)

        service.route("POST", "/bicycles", body: RegisterBicycle.self, answers: .created(Bicycle.resource)) { request, _ in
            try service.answer { work in
                let bicycle = try Bicycle.resource.insert(["bicycle_status": .status(BicycleStatus.registered)], work.db)
                try work.publish(BicycleRegistered(bicycleId: bicycle.id, bicycleStatus: bicycle.bicycleStatus))
                return Bicycle.resource.created(bicycle, for: request)
            }
        }
        service.readRoutes(Bicycle.resource)
        service.route("PATCH", "/bicycles/{id}", body: BicycleRequest.self, answers: .item(Bicycle.resource)) { request, command in
            let id = try request.id()
            switch command.action {
            case .rent(let ticketId, let usingTime):
                try rent(id, ticketId: ticketId, usingTime: usingTime, ticket: ticket, passes: passes, service)
            case .giveBack:
                try service.transaction { work in try giveBack(id, work) }
            }
            return Bicycle.resource.item(try service.database.read { c in try Bicycle.resource.find(id, c) }, for: request)
        }
        service.route("DELETE", "/bicycles/{id}", answers: .item(Bicycle.resource)) { request in
            let id = try request.id()
            return Bicycle.resource.item(try service.transaction { work in
                let bicycle = try Bicycle.resource.command(id, to: BicycleStatus.deleted, work.db)
                try work.publish(BicycleDeleted(bicycleId: bicycle.id, bicycleStatus: bicycle.bicycleStatus))
                return bicycle
            }, for: request)
        }
    }

    static func rent(_ id: Int, ticketId: Int, usingTime: Int?, ticket: Upstream, passes: StockClaims, _ service: Service) throws {
        let bicycle = try service.database.read { c in try Bicycle.resource.find(id, c) }
        let rentable: [BicycleStatus] = [.registered, .available]
        guard rentable.contains(bicycle.bicycleStatus) else {
            throw Problem.conflict("bicycle \(id) cannot be rented: it is \(bicycle.bicycleStatus.rawValue)")
        }
        let minutes = try passMinutes(ticketId, ticket)
        let usingTime = usingTime ?? minutes
        guard usingTime <= minutes else {
            throw Problem.conflict("usingTime \(usingTime) is longer than ticket \(ticketId) allows (\(minutes) minutes)")
        }
        _ = try passes.take(1, of: ticketId) { work in
            let now = Date.now.ISO8601Format()
            guard let bicycle = try Bicycle.resource.update(
                ["bicycle_status": .status(BicycleStatus.rented), "ticket_id": .int(ticketId), "using_time": .int(usingTime), "rented_at": .text(now)],
                where: "bicycle_id = ? AND bicycle_status IN (?, ?)", [.int(id)] + rentable.map { .status($0) }, work.db).first
            else {
                throw Problem.conflict("bicycle \(id) was rented a moment ago; the pass is not used")
            }
            try work.publish(BicycleRented(bicycleId: id, ticketId: ticketId, usingTime: usingTime, rentedAt: now, bicycleStatus: bicycle.bicycleStatus))
            return try Rental.resource.insert(["bicycle_id": .int(id), "ticket_id": .int(ticketId), "using_time": .int(usingTime),
                                               "rented_at": .text(now)], work.db)
        }
    }

    /// The pass's minutes, asked of ticket (so a pass bought a moment ago rents at once).
    static func passMinutes(_ ticketId: Int, _ ticket: Upstream) throws -> Int {
        let answer = try ticket.call("GET", "/tickets/\(ticketId)", correlationID: String(ticketId))
        guard answer.status == 200 else {
            throw answer.status == 404 ? Problem.notFound("no ticket \(ticketId)")
                                       : Problem.unavailable("ticket answered \(answer.status); try again shortly", retryAfterSeconds: 1)
        }
        let type = try JSONObject(body: answer.body).string("ticketType")
        guard let minutes = TicketType(rawValue: type)?.minutes else { throw ContractViolation("ticket \(ticketId) has ticketType '\(type)'") }
        return minutes
    }

    static func giveBack(_ id: Int, _ work: UnitOfWork) throws {
        let bicycle = try Bicycle.resource.command(id, to: BicycleStatus.available, work.db)
        let now = Date.now.ISO8601Format()
        try work.db.execute("UPDATE rentals SET returned_at = ? WHERE bicycle_id = ? AND returned_at IS NULL", .text(now), .int(id))
        try work.publish(BicycleReturned(bicycleId: id, ticketId: bicycle.ticketId ?? 0, returnedAt: now, bicycleStatus: bicycle.bicycleStatus))
    }
}
