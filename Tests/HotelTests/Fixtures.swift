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

    /// The `_embedded` items of a collection.
    func items(_ path: String) throws -> [[String: Any]] {
        (try request("GET", path).json["_embedded"] as? [String: Any])?[String(path.dropFirst())] as? [[String: Any]] ?? []
    }

    func statuses(_ path: String) throws -> [String] { try items(path).map { "\($0["status"] ?? "-")" } }

    /// Where order calls payment.
    var paymentURL: String { self["order"].service.configuration.environment["PAYMENT_URL"]! }
    func takeDownPayment() { InProcessUpstreams.remove(paymentURL) }
    func restorePayment() {
        let service = self["payment"].service
        InProcessUpstreams.register(paymentURL) { request in service.handle(request) }
    }
}
