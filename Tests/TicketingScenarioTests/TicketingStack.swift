import Chassis
import Foundation
import HTTP
import Kafka
import Testing
import TestSupport
import Ticketing

/// The whole ticketing system as processes: a broker, the five services, and the gateway through
/// which tests talk to it as a customer would.
final class TicketingStack: @unchecked Sendable {
    let stack: SystemStack
    var broker: TestBroker { stack.broker }
    var directory: URL { stack.directory }
    var booking: ServiceProcess { stack["booking"] }
    var show: ServiceProcess { stack["show"] }
    var pay: ServiceProcess { stack["pay"] }
    var issuance: ServiceProcess { stack["issuance"] }
    var dashboard: ServiceProcess { stack["dashboard"] }
    var gateway: ServiceProcess { stack.gateway }
    var services: [ServiceProcess] { stack.services }

    /// `environment` adds variables per context ("booking": [...]).
    init(_ label: String, environment: [String: [String: String]] = [:]) throws {
        var environment = environment
        environment["pay", default: [:]].merge(["CANCELLATION_RETRY_MS": "200"]) { given, _ in given }
        stack = try SystemStack(ticketing, label: label, environment: environment)
    }

    func stop(sourceLocation location: SourceLocation = #_sourceLocation) { stack.stop(sourceLocation: location) }

    // MARK: The customer's API

    func request(_ method: String, _ path: String, _ fields: [String: String]? = nil) throws -> HTTPClientResponse {
        try stack.request(method, path, fields)
    }

    func command<T: Decodable>(_ method: String, _ path: String, _ fields: [String: String], as type: T.Type) throws -> T {
        try stack.command(method, path, fields, as: type)
    }

    func get<T: Decodable>(_ path: String, as type: T.Type) throws -> T { try stack.get(path, as: type) }
    func list<T: Decodable>(_ name: String, as type: T.Type) throws -> [T] { try stack.list(name, as: type) }

    func registerShow(seats: Int, name: String = "showName1") throws -> Show {
        // No waiting: a show registered a moment ago is bookable at once, as the seed's commands
        // run back to back expect.
        try command("POST", "/shows", ["showName": name, "totalCount": "\(seats)", "remainCount": "\(seats)"], as: Show.self)
    }

    func book(_ show: Show, qty: Int, price: Int = 30000) throws -> Booking {
        try command("POST", "/bookings", ["showId": "\(show.id)", "qty": "\(qty)", "amount": "\(price)",
                                          "showName": show.showName, "bookStatus": "Booked"], as: Booking.self)
    }

    func booking(_ id: Int) throws -> Booking { try get("/bookings/\(id)", as: Booking.self) }
    func show(_ id: Int) throws -> Show { try get("/shows/\(id)", as: Show.self) }
    func payments() throws -> [Payment] { try list("payments", as: Payment.self) }
    func tickets() throws -> [TicketIssuance] { try list("ticketIssuances", as: TicketIssuance.self) }
    func showStatuses() throws -> [ShowStatus] { try list("showStatuses", as: ShowStatus.self) }

    func payment(forBooking id: Int) throws -> Payment? { try payments().first { $0.bookId == id } }
    func ticket(forBooking id: Int) throws -> TicketIssuance? { try tickets().first { $0.bookId == id } }
}

extension ShowStatus {
    /// One dashboard row on one line, for readable assertions and failure messages.
    var summary: String {
        "\(id) \(showName ?? "-") ×\(qty.map(String.init) ?? "-") \(payAmount.map(String.init) ?? "-") "
            + "\(bookStatus?.rawValue ?? "-")/\(payStatus?.rawValue ?? "-")/\(issueStatus?.rawValue ?? "-")"
    }
}

/// Publishes booking events straight to `ticketing.booking`, as the booking service would, with
/// event times `at` seconds after a fixed start (the order they happened in, not the order sent).
struct BookingEvents {
    let producer: Producer
    let show: Show
    let start = Date.now

    init(stack: TicketingStack, show: Show) throws {
        producer = try Producer(properties: stack.broker.properties())
        self.show = show
    }

    func send(_ type: String, _ id: Int, at second: Double, _ fields: [String: Any]) throws {
        var data: [String: Any] = ["id": id, "showId": show.id, "showName": show.showName]
        data.merge(fields) { _, new in new }
        let time = start.addingTimeInterval(second).ISO8601Format(.init(includingFractionalSeconds: true))
        let envelope = EventEnvelope(type: type, source: "ticketing-booking", time: time, subject: String(id),
                                     correlationID: String(id), data: Array(try JSONSerialization.data(withJSONObject: data)))
        try producer.sendAndWait(OutgoingMessage(topic: Topics.booking, key: Array(envelope.subject.utf8), value: envelope.data,
                                                 headers: envelope.headers))
    }
}
