import Foundation
import Hotel
import JSON

/// Hotel under chaos: orders at a steady rate, each paid by a sync call to payment; a fifth
/// cancelled a moment later (payment cancelled by a deferred call, the hotel's reservation by
/// event), another fifth confirmed by the hotel with the seed's own command.
final class HotelChaos: Scenario, @unchecked Sendable {
    enum Fate { case kept, cancelled, confirmed, unknown }

    struct Order {
        let id: Int
        let roomType: String
        var fate = Fate.kept
    }

    static let roomTypes = ["delux", "suite"]
    let noun = "orders"
    let invariants = "no order lost, made twice or charged without being kept, every order paid once at its room's price and "
        + "its cancellation compensated, every reservation and notification once, the mypages view equal to its sources, "
        + "outboxes empty, consumer lag 0"
    let client: CarefulClient
    private let lock = NSLock()
    private var orders: [Int: Order] = [:]

    init(client: CarefulClient) {
        self.client = client
    }

    func prepare(commands: Int) throws {}

    func command(_ number: Int, random: UInt64) {
        let roomType = Self.roomTypes[Int(random % 2)]
        let body = #"{"name":"\#(runID)-\#(number)","roomType":"\#(roomType)","guestCnt":2}"#
        guard let id = (try? client.send("POST", "/orders", body, key: "\(runID)-order-\(number)"))?.fields?.int("id") else { return }
        client.accepted()
        var order = Order(id: id, roomType: roomType)
        if random % 5 < 2 {
            Thread.sleep(forTimeInterval: Double(random % 2000) / 1000)
            if random % 5 == 0 {
                let answer = try? client.send("DELETE", "/orders/\(id)")
                order.fate = answer.map { $0.succeeded || $0.status == 409 ? .cancelled : .kept } ?? .unknown
            } else {
                let answer = try? client.send("POST", "/reservations", #"{"orderId":\#(id),"status":"confirmed"}"#, key: "\(runID)-confirm-\(number)")
                // A 409 for a confirmation whose answer was lost: it may have taken effect.
                order.fate = answer.map { $0.succeeded ? .confirmed : $0.status == 409 ? .unknown : .kept } ?? .unknown
            }
        }
        lock.withLock { orders[number] = order }
    }

    func violations() throws -> [String] {
        let placed = lock.withLock { Array(orders.values) }.sorted { $0.id < $1.id }
        guard let first = placed.first?.id else { return try stack.backlogsAndLag() }
        func byOrder(_ name: String) throws -> [Int: [JSONMembers]] {
            let items = try stack.collection(name).filter { ($0.int("orderId") ?? 0) >= first }
            return Dictionary(grouping: items) { $0.int("orderId")! }
        }
        let stored = Dictionary(try stack.collection("orders").compactMap { o in o.int("id").map { ($0, o) } }, uniquingKeysWith: { a, _ in a })
        let payments = try byOrder("payments"), reservations = try byOrder("reservations"), notifications = try byOrder("notifications")
        let rows = Dictionary(grouping: try stack.collection("mypages").filter { ($0.int("orderId") ?? 0) >= first }) { $0.int("orderId")! }
        var problems: [String] = []
        let accepted = Set(placed.map(\.id))
        for (id, order) in stored where !accepted.contains(id) && order.string("name")?.hasPrefix(runID + "-") == true {
            problems.append("order \(id) (\(order.string("name")!)) exists but was never accepted (a retried POST applied twice)")
        }
        // Orders withdrawn while payment failed leave no order, and no charge.
        for (id, pay) in payments where !accepted.contains(id) && stored[id] == nil {
            if pay.contains(where: { $0.string("status") == "PaymentApproved" }) { problems.append("order \(id) is gone and its payment is still approved") }
            if reservations[id] != nil { problems.append("order \(id) is gone and the hotel has its reservation") }
        }
        for order in placed {
            let name = "order \(order.id)"
            guard let status = stored[order.id]?.string("status") else { problems.append("\(name) was accepted and is gone (an event lost)"); continue }
            let fate = order.fate == .unknown ? (status == "Cancelled" ? Fate.cancelled : status == "Confirmed" ? .confirmed : .kept) : order.fate
            let (orderStatus, payStatus, reservationStatus, notices) = switch fate {
            case .cancelled: ("Cancelled", "PaymentCancelled", "Cancelled", 2...2)
            case .confirmed: ("Confirmed", "PaymentApproved", "Confirmed", 1...2)   // an early confirmation skips "Requested"
            case .kept, .unknown: ("Paid", "PaymentApproved", "Requested", 1...1)
            }
            if status != orderStatus { problems.append("\(name) is \(status), not \(orderStatus) (saga not finished)") }
            let pay = payments[order.id] ?? [], reservation = reservations[order.id] ?? [], sent = notifications[order.id] ?? []
            if pay.count != 1 { problems.append("\(name) has \(pay.count) payments, not 1") }
            if let payment = pay.first {
                if payment.string("status") != payStatus { problems.append("\(name)'s payment is \(payment.string("status") ?? "-"), not \(payStatus)") }
                if payment.int("amount") != RoomPrice.amount(for: order.roomType) {
                    problems.append("\(name) was charged \(payment.int("amount") ?? 0) for a \(order.roomType) room, not \(RoomPrice.amount(for: order.roomType))")
                }
            }
            if reservation.count != 1 { problems.append("\(name) has \(reservation.count) reservations, not 1") }
            if let found = reservation.first?.string("status"), found != reservationStatus {
                problems.append("\(name)'s reservation is \(found), not \(reservationStatus)")
            }
            if !notices.contains(sent.count) || Set(sent.map { $0.string("text") ?? "" }).count != sent.count {
                problems.append("\(name) sent \(sent.count) notifications (\(sent.map { $0.string("text") ?? "" })), not \(notices)")
            }
            let row = rows[order.id] ?? []
            if row.count != 1 || row[0].string("status") != status {
                problems.append("\(name) has \(row.count) mypages rows saying \(row.map { $0.string("status") ?? "-" }), its order \(status) (view differs)")
            }
        }
        return problems + (try stack.backlogsAndLag())
    }

    func outcomes() throws -> [String: Int] {
        let ids = Set(lock.withLock { orders.values.map(\.id) })
        return Dictionary(grouping: try stack.collection("orders").filter { $0.int("id").map(ids.contains) == true }) {
            $0.string("status") ?? "?"
        }.mapValues(\.count)
    }
}
