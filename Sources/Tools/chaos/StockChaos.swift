import Foundation
import JSON

/// Musical and gifticon under chaos, which share a shape: an item with a stock (a musical's
/// seats, a gifticon's quantity), claims that take from it by a sync call before they exist
/// (reservations, carts), a payment approved by event and cancelled when the claim is, and a
/// view of each claim's progress. The load: claims at a steady rate on a roomy item and on one
/// with little stock (so some are refused), a fifth of them cancelled a moment later.
final class StockChaos: Scenario, @unchecked Sendable {
    /// Where the two systems differ: paths, field names, what a cancelled claim looks like.
    struct Shape {
        let items: String, itemKey: String, stock: String, itemFields: String
        let claims: String, quantity: String, claimFields: String
        /// How payments and the view name the claim.
        let claimReference: String
        let view: String
        /// A cancelled claim's status; nil when cancelling removes it (a gifticon cart).
        let cancelledStatus: String?

        static let musical = Shape(items: "musicals", itemKey: "musicalId", stock: "reservableSeat", itemFields: #""name":"chaos""#,
                                   claims: "reservations", quantity: "seats", claimFields: #","price":1000"#,
                                   claimReference: "reservationId", view: "myPages", cancelledStatus: "Cancelled")
        static let gifticon = Shape(items: "gifticons", itemKey: "gifticonId", stock: "availableQuantity",
                                    itemFields: #""name":"chaos","price":1000"#, claims: "carts", quantity: "quantity", claimFields: "",
                                    claimReference: "cartId", view: "mypages", cancelledStatus: nil)
    }

    struct Claim {
        let item: Int
        let quantity: Int
        let id: Int
        /// The cancellation was answered (a 2xx, or a 404 or 409 saying an earlier attempt did it).
        var cancelled = false
        /// It was asked and never answered: either end is consistent.
        var cancelUnknown = false
    }

    let shape: Shape
    let client: CarefulClient
    var noun: String { shape.claims }
    var invariants: String {
        "no claim lost or made twice, every claim paid once and its cancellation compensated, the \(shape.view) view equal to its "
            + "sources, stock = initial − claimed, outboxes empty, consumer lag 0"
    }
    private let lock = NSLock()
    private var claims: [Int: Claim] = [:]
    /// The roomy item and the small one: business key and initial stock.
    private(set) var items: [(key: Int, stock: Int)] = []

    init(_ shape: Shape, client: CarefulClient) {
        self.shape = shape
        self.client = client
    }

    func prepare(commands: Int) throws {
        // Business keys are unique for good: a fresh pair per run.
        let base = Int(Date().timeIntervalSince1970) * 10
        for (key, stock) in [(base + 1, commands * 3 + 10), (base + 2, 20)] {
            let body = #"{"\#(shape.itemKey)":\#(key),\#(shape.itemFields),"\#(shape.stock)":\#(stock)}"#
            guard try client.send("POST", "/\(shape.items)", body, key: "\(runID)-item-\(key)").succeeded else {
                throw ChaosError("POST /\(shape.items) was refused")
            }
            items.append((key, stock))
        }
    }

    func command(_ number: Int, random: UInt64) {
        let item = items[number % 3 == 2 ? 1 : 0]
        let quantity = 1 + Int(random % 3)
        let body = #"{"\#(shape.itemKey)":\#(item.key),"\#(shape.quantity)":\#(quantity)\#(shape.claimFields)}"#
        guard let id = (try? client.send("POST", "/\(shape.claims)", body, key: "\(runID)-claim-\(number)"))?.fields?.int("id") else { return }
        client.accepted()
        var claim = Claim(item: item.key, quantity: quantity, id: id)
        if random % 5 == 0 {
            Thread.sleep(forTimeInterval: Double(random % 2000) / 1000)
            if let answer = try? client.send("DELETE", "/\(shape.claims)/\(id)") {
                claim.cancelled = answer.succeeded || answer.status == 404 || answer.status == 409
            } else {
                claim.cancelUnknown = true
            }
        }
        lock.withLock { claims[number] = claim }
    }

    func violations() throws -> [String] {
        let placed = lock.withLock { Array(claims.values) }
        let ours = Set(items.map(\.key))
        let stored = try stack.collection(shape.claims).filter { $0.int(shape.itemKey).map(ours.contains) == true }
        let byID = Dictionary(stored.compactMap { c in c.int("id").map { ($0, c) } }, uniquingKeysWith: { a, _ in a })
        func grouped(_ items: [JSONMembers]) -> [Int: [JSONMembers]] {
            Dictionary(grouping: items.filter { $0.int(shape.claimReference) != nil }) { $0.int(shape.claimReference)! }
        }
        let payments = grouped(try stack.collection("payments")), rows = grouped(try stack.collection(shape.view))
        var problems: [String] = []
        var claimed: [Int: Int] = [:]
        let accepted = Set(placed.map(\.id))
        for extra in byID.keys.sorted() where !accepted.contains(extra) {
            problems.append("\(shape.claims) \(extra) exists but was never accepted (a retried POST applied twice)")
        }
        for claim in placed.sorted(by: { $0.id < $1.id }) {
            let name = "\(shape.claims) \(claim.id)"
            let pay = payments[claim.id] ?? [], row = rows[claim.id] ?? []
            let status = byID[claim.id]?.string("status")
            let cancelled = claim.cancelled || (claim.cancelUnknown && (status == nil || status == shape.cancelledStatus))
            if pay.count != 1 { problems.append("\(name) has \(pay.count) payments, not 1") }
            let payStatus = pay.first?.string("status")
            if cancelled {
                if let expected = shape.cancelledStatus, status != expected {
                    problems.append("\(name) was cancelled and reads \(status ?? "nothing") (an event lost)")
                }
                if shape.cancelledStatus == nil, status != nil { problems.append("\(name) was removed and is still there") }
                if payStatus != "PaymentCancelled" { problems.append("\(name) was cancelled and its payment is \(payStatus ?? "missing")") }
            } else {
                claimed[claim.item, default: 0] += claim.quantity
                if status == nil { problems.append("\(name) was accepted and is gone (an event lost)") }
                if status != "PaymentApproved" { problems.append("\(name) is \(status ?? "missing"), not PaymentApproved (saga not finished)") }
                if payStatus != "PaymentApproved" { problems.append("\(name)'s payment is \(payStatus ?? "missing")") }
            }
            if row.count != 1 {
                problems.append("\(name) has \(row.count) \(shape.view) rows, not 1 (view differs)")
            } else if row[0].string("status") != payStatus || row[0].int("paymentId") != pay.first?.int("id") {
                problems.append("\(name)'s \(shape.view) row says \(row[0].string("status") ?? "-") with payment \(row[0].int("paymentId") ?? 0), "
                                + "its sources \(payStatus ?? "-") with payment \(pay.first?.int("id") ?? 0) (view differs)")
            }
        }
        let stockNow = try stack.collection(shape.items)
        for item in items {
            let left = stockNow.first { $0.int(shape.itemKey) == item.key }?.int(shape.stock)
            let expected = item.stock - claimed[item.key, default: 0]
            if left != expected {
                problems.append("\(shape.itemKey) \(item.key) has \(left.map(String.init) ?? "no") left; \(item.stock) − \(claimed[item.key, default: 0]) claimed = \(expected)")
            }
        }
        return problems + (try stack.backlogsAndLag())
    }

    func outcomes() throws -> [String: Int] {
        let placed = lock.withLock { Array(claims.values) }
        return Dictionary(grouping: placed) { $0.cancelled ? "cancelled" : $0.cancelUnknown ? "cancel unanswered" : "kept" }.mapValues(\.count)
    }
}
