import Chassis
import ChassisTesting
import Foundation
@testable import Hotel

/// The whole system in process.
func hotelSystem() throws -> SystemTester {
    try SystemTester(hotel, [OrderContext.self, ReservationContext.self, PaymentContext.self, CustomercenterContext.self,
                             NotificationContext.self])
}

extension SystemTester {
    @discardableResult
    func order(_ roomType: String = "delux", name: String = "Moonhee") throws -> Answer {
        try request("POST", "/orders", ["name": name, "roomType": roomType])
    }

    func statuses(_ path: String) throws -> [String] { try items(path).map { "\($0["status"] ?? "-")" } }
}
