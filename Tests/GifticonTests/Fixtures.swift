import ChassisTesting
import Foundation
@testable import Gifticon

/// The whole system in process, with the seed's gifticon registered (100 at 5000).
func gifticonSystem(down: Set<String> = [], register: Bool = true) throws -> SystemTester {
    let system = try SystemTester(gifticon, [GifticonContext.self, CartContext.self, PaymentContext.self, MypageContext.self], down: down)
    if register {
        let answer = try system.request("POST", "/gifticons", ["gifticonId": "1", "name": "Americano", "availableQuantity": "100", "price": "5000"])
        guard answer.status == 201 else { throw TesterError("registering the gifticon answered \(answer)") }
    }
    return system
}

extension SystemTester {
    func available(_ id: Int = 1) throws -> Int {
        try request("GET", "/gifticons/\(id)").decode(Gifticon.self).availableQuantity
    }

    /// Every claim the cart context keeps, as `state` strings.
    func claims() throws -> [String] {
        try self["cart"].query("SELECT state FROM stock_claims ORDER BY rowid").map { try $0.string("state") }
    }
}
