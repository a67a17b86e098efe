import ChassisTesting
import Testing
@testable import Gifticon

@Suite("Gifticon's rules, in process")
struct GifticonRulesTests {
    func registered() throws -> ContextTester {
        let tester = try ContextTester(GifticonContext.self)
        let answer = try tester.request("POST", "/gifticons", ["gifticonId": "1", "name": "Americano", "availableQuantity": "100", "price": "5000"])
        #expect(answer.status == 201, "\(answer)")
        return tester
    }

    @Test("gifticonId is a business key: registering it twice is a 409")
    func businessKey() throws {
        let tester = try registered()
        let again = try tester.request("POST", "/gifticons", ["gifticonId": 1, "name": "Latte", "availableQuantity": 5, "price": 10])
        #expect(again.status == 409)
        #expect(try tester.request("POST", "/gifticons", ["gifticonId": 1004, "name": "Latte", "availableQuantity": 5, "price": 10]).status == 201)
        #expect(try tester.published(GifticonRegistered.self).map(\.gifticonId) == [1, 1004])
        #expect(try tester.outbox().first?.correlationID == "gifticon-1", "a gifticon is no cart's saga")
    }

    @Test("a bad gifticon is a 400 and changes nothing", arguments: [
        ["gifticonId": "2", "name": "x", "availableQuantity": "-1", "price": "1"], ["gifticonId": "2", "name": " ", "availableQuantity": "1", "price": "1"],
        ["gifticonId": "2", "name": "x", "availableQuantity": "1"], ["gifticonId": "0", "name": "x", "availableQuantity": "1", "price": "1"],
        ["gifticonId": "2", "name": "x", "availableQuantity": "ten", "price": "1"],
    ])
    func bad(body: [String: String]) throws {
        let tester = try registered()
        #expect(try tester.request("POST", "/gifticons", body).status == 400)
        #expect(try tester.query("SELECT id FROM gifticons").count == 1)
    }

    @Test("a take is idempotent by its hold id; a release gives back once; a release before its take leaves a tombstone")
    func holds() throws {
        let tester = try registered()
        func take(_ hold: String, _ quantity: Int) throws -> Int {
            try tester.request("POST", "/stock/holds", ["holdId": hold, "item": 1, "quantity": quantity]).status
        }
        func release(_ hold: String) throws -> Int { try tester.request("POST", "/stock/releases", ["holdId": hold]).status }
        #expect(try take("a", 10) == 201)
        #expect(try take("a", 10) == 200)
        #expect(try take("b", 91) == 409)
        #expect(try release("a") == 200)
        #expect(try release("a") == 200)
        #expect(try release("c") == 200)
        #expect(try take("c", 1) == 409)
        #expect(try take("d", 0) == 400)
        #expect(try tester.request("GET", "/gifticons/1").decode(Gifticon.self).availableQuantity == 100)
        #expect(try tester.published(QuantityModified.self).map(\.change) == [-10, 10])
    }
}
