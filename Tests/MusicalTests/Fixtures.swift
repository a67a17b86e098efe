import ChassisTesting
import Foundation
@testable import Musical

/// The whole system in process, with musical 1003 registered (100 seats).
func musicalSystem(down: Set<String> = [], register: Bool = true) throws -> SystemTester {
    let system = try SystemTester(musical, [MusicalContext.self, ReservationContext.self, PaymentContext.self, NoticeContext.self,
                                            CustomercenterContext.self], down: down)
    if register {
        let answer = try system.request("POST", "/musicals", ["musicalId": "1003", "name": "HOT", "reservableSeat": "100"])
        guard answer.status == 201 else { throw TesterError("registering the musical answered \(answer)") }
    }
    return system
}

extension SystemTester {
    func seatsLeft(_ id: Int = 1) throws -> Int {
        try request("GET", "/musicals/\(id)").decode(Musical.self).reservableSeat
    }

    func claims() throws -> [String] {
        try self["reservation"].query("SELECT state FROM stock_claims ORDER BY rowid").map { try $0.string("state") }
    }
}
