import BikeShare
import Foundation
import JSON

/// BikeShare under chaos: passes bought at a steady rate (paid by a sync call; one left
/// `ReadyForPay` while payment is down is paid again, as its answer says), a fifth refunded, the
/// rest each renting a bicycle of its own (a sync call that uses the pass), half of those
/// returned a moment later. A `PATCH` answered with a 409 after an attempt whose answer was lost
/// is read back to learn what happened.
final class BikeShareChaos: Scenario, @unchecked Sendable {
    enum Fate { case kept, refunded, rented, returned
        /// A command of its was never answered: either end is consistent.
        case unknown
    }

    struct Pass {
        let id: Int
        let type: TicketType
        var fate = Fate.kept
        var bicycle: Int?
    }

    let noun = "passes"
    let invariants = "no pass or bicycle lost, every pass paid once at its price and its refund compensated, a pass rents once, "
        + "one message per rental and per return, the rentBicycleViews view equal to its sources, outboxes empty, consumer lag 0"
    let client: CarefulClient
    private let lock = NSLock()
    private var passes: [Int: Pass] = [:]

    init(client: CarefulClient) {
        self.client = client
    }

    func prepare(commands: Int) throws {}

    func command(_ number: Int, random: UInt64) {
        let type: TicketType = random % 2 == 0 ? .oneHour : .twoHours
        let body = #"{"ticketType":"\#(type.rawValue)","buyerPhoneNum":"010-0000-\#(number % 10_000)"}"#
        guard let bought = (try? client.send("POST", "/tickets", body, key: "\(runID)-pass-\(number)"))?.fields,
              let id = bought.int("ticketId") else { return }
        client.accepted()
        var pass = Pass(id: id, type: type)
        defer { lock.withLock { passes[number] = pass } }
        guard paid(id, bought.string("ticketStatus")) else { pass.fate = .unknown; return }
        if random % 5 == 0 {
            pass.fate = .unknown
            if let answer = try? client.send("PATCH", "/tickets/\(id)", #"{"ticketStatus":"refundRequested"}"#) {
                pass.fate = settled(answer) ? .refunded : .kept
            }
            return
        }
        guard let bicycle = (try? client.send("POST", "/bicycles", #"{"bicycleStatus":"Registered"}"#, key: "\(runID)-bicycle-\(number)"))?
            .fields?.int("bicycleId") else { return }
        pass.bicycle = bicycle
        pass.fate = .unknown
        guard let rent = try? client.send("PATCH", "/bicycles/\(bicycle)", #"{"ticketId":\#(id),"usingTime":30}"#) else { return }
        guard settled(rent), let rented = read("/bicycles/\(bicycle)") else { pass.fate = settled(rent) ? .unknown : .kept; return }
        guard rented.int("ticketId") == id else { pass.fate = .kept; return }
        pass.fate = .rented
        if random % 2 == 0 {
            Thread.sleep(forTimeInterval: Double(random % 1000) / 1000)
            pass.fate = .unknown
            if let answer = try? client.send("PATCH", "/bicycles/\(bicycle)", #"{"bicycleStatus":"Returned"}"#) {
                pass.fate = settled(answer) ? .returned : .rented
            }
        }
    }

    /// Pays a pass left `ReadyForPay` until it is paid; false if it never was.
    private func paid(_ id: Int, _ status: String?) -> Bool {
        var status = status
        let deadline = ContinuousClock.now + .seconds(60)
        while status == "ReadyForPay", ContinuousClock.now < deadline {
            guard let answer = try? client.send("PATCH", "/tickets/\(id)", #"{"ticketStatus":"payRequested"}"#) else { return false }
            status = (answer.fields ?? read("/tickets/\(id)"))?.string("ticketStatus")
            if status == "ReadyForPay" { Thread.sleep(forTimeInterval: 0.5) }
        }
        return status == "ticketPurchased"
    }

    /// Done: a 2xx, or a 409 after an attempt whose answer was lost (read back by the caller).
    private func settled(_ answer: CarefulClient.Answer) -> Bool { answer.succeeded || answer.status == 409 }

    /// A resource's fields as they are now, asked again for up to 30 s (the gateway may be
    /// restarting); nil when it cannot be read.
    private func read(_ path: String) -> JSONMembers? {
        let deadline = ContinuousClock.now + .seconds(30)
        repeat {
            if case .object(let fields)? = try? stack.get(path) { return fields }
            Thread.sleep(forTimeInterval: 0.5)
        } while ContinuousClock.now < deadline
        return nil
    }

    func violations() throws -> [String] {
        let placed = lock.withLock { Array(passes.values) }.sorted { $0.id < $1.id }
        let ids = Set(placed.map(\.id))
        func byTicket(_ name: String) throws -> [Int: [JSONMembers]] {
            Dictionary(grouping: try stack.collection(name).filter { $0.int("ticketId").map(ids.contains) == true }) { $0.int("ticketId")! }
        }
        let tickets = try byTicket("tickets"), payments = try byTicket("payments"), messages = try byTicket("messages")
        let rows = try byTicket("rentBicycleViews")
        let bicycles = Dictionary(try stack.collection("bicycles").compactMap { b in b.int("bicycleId").map { ($0, b) } }, uniquingKeysWith: { a, _ in a })
        var problems: [String] = []
        // Every pass from the first this run sold on is one it was answered for.
        let first = placed.first?.id ?? .max
        for id in try stack.collection("tickets").compactMap({ $0.int("ticketId") }) where id >= first && !ids.contains(id) {
            problems.append("pass \(id) exists but was never sold to this run (a retried POST applied twice)")
        }
        for pass in placed {
            let name = "pass \(pass.id)"
            guard let ticket = tickets[pass.id]?.first else { problems.append("\(name) was sold and is gone (an event lost)"); continue }
            let bicycleNow = pass.bicycle.flatMap { bicycles[$0] }
            // A command never answered: judged by where it ended, which must still be consistent.
            let judged: Fate = switch (ticket.string("ticketStatus"), bicycleNow?.string("bicycleStatus")) {
            case ("refunded"?, _): .refunded
            case ("ticketUsed"?, "Available"?): .returned
            case ("ticketUsed"?, _): .rented
            default: .kept
            }
            let fate = pass.fate == .unknown ? judged : pass.fate
            let (ticketStatus, payStatus, sent, bicycleStatus): (String, String, Int, String?) = switch fate {
            case .kept, .unknown: ("ticketPurchased", "paymentApproved", 0, nil)
            case .refunded: ("refunded", "paymentCancelled", 0, nil)
            case .rented: ("ticketUsed", "paymentApproved", 1, "Rented")
            case .returned: ("ticketUsed", "paymentApproved", 2, "Available")
            }
            if ticket.string("ticketStatus") != ticketStatus { problems.append("\(name) is \(ticket.string("ticketStatus") ?? "-"), not \(ticketStatus)") }
            let pay = payments[pass.id] ?? []
            if pay.count != 1 { problems.append("\(name) has \(pay.count) payments, not 1") }
            if let payment = pay.first, payment.string("paymentStatus") != payStatus || payment.int("ticketAmt") != pass.type.amount {
                problems.append("\(name)'s payment is \(payment.string("paymentStatus") ?? "-") of \(payment.int("ticketAmt") ?? 0), "
                                + "not \(payStatus) of \(pass.type.amount)")
            }
            let kinds = (messages[pass.id] ?? []).map { $0.string("kind") ?? "" }
            if kinds.count != sent || Set(kinds).count != kinds.count { problems.append("\(name) sent messages \(kinds), not \(sent) different ones") }
            if let expected = bicycleStatus, let bicycle = pass.bicycle {
                let found = bicycles[bicycle]
                if found?.string("bicycleStatus") != expected || found?.int("ticketId") != pass.id {
                    problems.append("bicycle \(bicycle) is \(found?.string("bicycleStatus") ?? "missing") with pass \(found?.int("ticketId") ?? 0), "
                                    + "not \(expected) with \(name)")
                }
            }
            let row = rows[pass.id] ?? []
            if row.count != 1 || row[0].string("ticketStatus") != ticket.string("ticketStatus") || row[0].string("paymentStatus") != pay.first?.string("paymentStatus")
                || row[0].string("bicycleStatus") != bicycleStatus {
                problems.append("\(name) has \(row.count) rentBicycleViews rows saying \(row.map { "\($0.string("ticketStatus") ?? "-")/\($0.string("paymentStatus") ?? "-")/\($0.string("bicycleStatus") ?? "-")" }), "
                                + "its sources \(ticket.string("ticketStatus") ?? "-")/\(pay.first?.string("paymentStatus") ?? "-")/\(bicycleStatus ?? "-") (view differs)")
            }
        }
        return problems + (try stack.backlogsAndLag())
    }

    func outcomes() throws -> [String: Int] {
        Dictionary(grouping: lock.withLock { Array(passes.values) }) { "\($0.fate)" }.mapValues(\.count)
    }
}
