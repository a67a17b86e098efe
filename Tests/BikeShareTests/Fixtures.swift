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
}
