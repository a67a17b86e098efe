import Chassis
import ChassisTesting
import Foundation
@testable import BikeShare

/// The whole system in process.
func bikeshareSystem(down: Set<String> = []) throws -> SystemTester {
    try SystemTester(bikeshare, [TicketContext.self, PaymentContext.self, BicycleContext.self, MessageContext.self, ViewContext.self],
                     down: down)
}

extension SystemTester {
    /// Buys a pass as the seed does; answers its id.
    @discardableResult
    func buy(_ type: String = "1", phone: String? = nil) throws -> Int {
        var body: [String: Any] = ["ticketType": type, "ticketStatus": "ReadyForPay"]
        body["buyerPhoneNum"] = phone
        let answer = try request("POST", "/tickets", body)
        guard answer.status == 201 else { throw TesterError("buying a pass answered \(answer)") }
        return try answer.decode(Ticket.self).id
    }

    @discardableResult
    func register() throws -> Int {
        let answer = try request("POST", "/bicycles", ["bicycleStatus": "Registered"])
        guard answer.status == 201 else { throw TesterError("registering a bicycle answered \(answer)") }
        return try answer.decode(Bicycle.self).id
    }

    func ticket(_ id: Int) throws -> Ticket { try request("GET", "/tickets/\(id)").decode(Ticket.self) }
    func bicycle(_ id: Int) throws -> Bicycle { try request("GET", "/bicycles/\(id)").decode(Bicycle.self) }

    /// The `_embedded` items of a collection.
    func items(_ path: String) throws -> [[String: Any]] {
        (try request("GET", path).json["_embedded"] as? [String: Any])?[String(path.dropFirst())] as? [[String: Any]] ?? []
    }

    /// Makes `context` answer sync calls again (after `InProcessUpstreams.remove`), as a service that is back.
    func restore(_ context: String) throws {
        let service = self[context].service
        InProcessUpstreams.register(try url(of: context)) { request in service.handle(request) }
    }

    /// Makes `context` stop answering sync calls, as a service that is down.
    func takeDown(_ context: String) throws { InProcessUpstreams.remove(try url(of: context)) }

    /// Where the others call `context`.
    func url(of context: String) throws -> String {
        let caller = manifest.contexts.first { $0.calls.contains(context) }!.name
        return self[caller].service.configuration.environment[ContextManifest.urlVariable(of: context)]!
    }
}
