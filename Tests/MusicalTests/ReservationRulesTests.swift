import Chassis
import ChassisTesting
import Testing
@testable import Musical

@Suite("Reservation's and musical's rules, in process")
struct ReservationRulesTests {
    @Test("seats are taken by the reservation; too few left is a 409 and nothing is reserved or taken")
    func take() throws {
        let system = try musicalSystem()
        #expect(try system.request("POST", "/reservations", ["musicalId": "1003", "seats": "10", "price": "50000"]).status == 201)
        #expect(try system.request("POST", "/reservations", ["musicalId": 1003, "seats": 15, "status": "SeatsReserved"]).status == 201)
        let refused = try system.request("POST", "/reservations", ["musicalId": "1003", "seats": "200"])
        #expect(refused.status == 409)
        #expect(refused.detail == "musicalId 1003 has 75 left, fewer than the 200 asked for")
        #expect(try system.seatsLeft() == 75)
        #expect(try system.items("/reservations").count == 2)
        #expect(try system["reservation"].published(SeatsReserved.self).map(\.price) == [50000, 0])
        #expect(try system["musical"].published(ReservableSeatModified.self).map(\.reservableSeat) == [90, 75])
    }

    @Test("a bad reservation is a 400 problem and changes nothing", arguments: [
        ["musicalId": "1003", "seats": "abc"], ["musicalId": "1003", "seats": "0"], ["musicalId": "1003", "seats": "-5"],
        ["musicalId": "1003"], ["seats": "1"], ["musicalId": "1003", "seats": "1", "price": "-1"],
        ["musicalId": "1003", "seats": "1", "status": "Cancelled"],
    ])
    func bad(body: [String: String]) throws {
        let system = try musicalSystem()
        let answer = try system.request("POST", "/reservations", body)
        #expect(answer.status == 400, "\(answer)")
        #expect(try system.seatsLeft() == 100)
        #expect(try system.claims().isEmpty)
    }

    @Test("musicalId is a business key: twice is a 409; an unknown one cannot be reserved (404)")
    func businessKey() throws {
        let system = try musicalSystem()
        #expect(try system.request("POST", "/musicals", ["musicalId": "1003", "name": "HOT", "reservableSeat": "5"]).status == 409)
        #expect(try system.request("POST", "/musicals", ["musicalId": "1003", "name": "HOT"]).status == 400)
        #expect(try system.request("POST", "/reservations", ["musicalId": "7", "seats": "1"]).status == 404)
        #expect(try system.items("/musicals").count == 1)
    }

    @Test("a bad musical is a 400 and changes nothing", arguments: [
        ["musicalId": "2", "name": "x", "reservableSeat": "-1"], ["musicalId": "2", "name": " ", "reservableSeat": "1"],
        ["musicalId": "2", "name": "x"], ["musicalId": "0", "name": "x", "reservableSeat": "1"],
        ["musicalId": "2", "name": "x", "reservableSeat": "many"], ["musicalId": "2", "name": "x", "reservableSeat": "1000001"],
    ])
    func badMusical(body: [String: String]) throws {
        let system = try musicalSystem()
        #expect(try system.request("POST", "/musicals", body).status == 400)
        #expect(try system.items("/musicals").count == 1)
        #expect(try system["musical"].published(MusicalRegistered.self).count == 1)
    }

    @Test("cancelling gives the seats back and reads Cancelled; again is a 409, an unknown id a 404")
    func cancel() throws {
        let system = try musicalSystem()
        #expect(try system.request("POST", "/reservations", ["musicalId": "1003", "seats": "10"]).status == 201)
        let cancelled = try system.request("DELETE", "/reservations/1")
        #expect(cancelled.status == 200)
        #expect(try cancelled.decode(Reservation.self).status == .cancelled)
        #expect(try system.seatsLeft() == 100)
        let again = try system.request("DELETE", "/reservations/1")
        #expect(again.status == 409)
        #expect(again.detail == "reservation 1 cannot become Cancelled: it is Cancelled")
        #expect(try system.request("DELETE", "/reservations/2").status == 404)
        try system.runJobs()
        #expect(try system.seatsLeft() == 100)
        #expect(try system["reservation"].published(ReservationCancelled.self).count == 1)
    }

    @Test("musical down while cancelling: the reservation is cancelled at once, its seats come back once musical is up")
    func cancelWhileMusicalDown() throws {
        let system = try musicalSystem()
        #expect(try system.request("POST", "/reservations", ["musicalId": "1003", "seats": "10"]).status == 201)
        // Musical stops answering: its in-process route is taken away, as its process would be.
        system.takeDown("musical")
        #expect(try system.request("DELETE", "/reservations/1").status == 200)
        try system.runJobs()
        #expect(try system.claims() == ["Releasing"])
        #expect(try system.seatsLeft() == 90)
    }

    @Test("a payment approved after the cancellation leaves the reservation cancelled")
    func approvedAfterCancel() throws {
        let system = try musicalSystem()
        #expect(try system.request("POST", "/reservations", ["musicalId": "1003", "seats": "10"]).status == 201)
        #expect(try system.request("DELETE", "/reservations/1").status == 200)
        try system["reservation"].deliver(PaymentApproved(id: 5, reservationId: 1, status: .paymentApproved))
        #expect(try system.request("GET", "/reservations/1").decode(Reservation.self).status == .cancelled)
    }
}
