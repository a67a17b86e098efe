import Foundation
import HTTP
import JSON

/// Ticketing under chaos: bookings at a steady rate on a roomy show and on one with few seats
/// (so some fail), a fifth of them cancelled a moment later, every command retried with the same
/// `Idempotency-Key` until it gets a definite answer, as a careful client would.
final class TicketingChaos: Scenario, @unchecked Sendable {
    struct Booking {
        let number: Int
        let show: Int
        let qty: Int
        var id: Int?
        var cancelAsked = false
    }

    static let price = 1000
    let noun = "bookings"
    let invariants = "no event lost, no effect applied twice, every saga finished, the dashboard equal to its sources, "
        + "seats = total − confirmed, outboxes empty, consumer lag 0"
    let client: CarefulClient
    private let lock = NSLock()
    private var bookings: [Int: Booking] = [:]
    /// The roomy show and the small one, with their seats.
    private(set) var shows: [(id: Int, seats: Int)] = []

    init(client: CarefulClient) {
        self.client = client
    }

    func prepare(commands bookings: Int) throws {
        for (name, seats) in [("chaos roomy", bookings * 3 + 10), ("chaos small", 20)] {
            let body = #"{"showName":"\#(name)","totalCount":\#(seats),"remainCount":\#(seats)}"#
            guard let id = try client.send("POST", "/shows", body, key: "\(runID)-show-\(seats)").fields?.int("id") else {
                throw ChaosError("POST /shows got no show")
            }
            shows.append((id, seats))
        }
        // Booking learns of shows from their events: wait until both can be booked.
        Thread.sleep(forTimeInterval: 1)
    }

    /// Places booking `number`; a fifth are cancelled a moment later. Blocks until done.
    func command(_ number: Int, random: UInt64) {
        let show = shows[number % 3 == 2 ? 1 : 0]
        var booking = Booking(number: number, show: show.id, qty: 1 + Int(random % 3))
        let body = #"{"showId":\#(show.id),"qty":\#(booking.qty),"amount":\#(Self.price)}"#
        guard let id = (try? client.send("POST", "/bookings", body, key: "\(runID)-booking-\(number)"))?.fields?.int("id") else { return }
        booking.id = id
        client.accepted()
        if random % 5 == 0 {
            Thread.sleep(forTimeInterval: Double(random % 2000) / 1000)
            booking.cancelAsked = true
            _ = try? client.send("PATCH", "/bookings/\(id)", #"{"bookStatus":"Cancelled"}"#)
        }
        lock.withLock { bookings[number] = booking }
    }

    /// What must hold once everything settled; empty when it all does.
    func violations() throws -> [String] {
        let placed = lock.withLock { bookings.values.compactMap { b in b.id.map { ($0, b) } } }
        let sources = try (
            bookings: stack.collection("bookings"), payments: stack.collection("payments"),
            tickets: stack.collection("ticketIssuances"), rows: stack.collection("showStatuses"), shows: stack.collection("shows"))
        var problems: [String] = []
        let byID = Dictionary(sources.bookings.compactMap { b in b.int("id").map { ($0, b) } }, uniquingKeysWith: { a, _ in a })
        func grouped(_ items: [JSONMembers]) -> [Int: [JSONMembers]] { Dictionary(grouping: items.filter { $0.int("bookId") != nil }) { $0.int("bookId")! } }
        let payments = grouped(sources.payments), tickets = grouped(sources.tickets), rows = grouped(sources.rows)
        var seatsTaken: [Int: Int] = [:]
        let accepted = Set(placed.map(\.0)), ours = Set(shows.map(\.id))
        for (id, booking) in byID where !accepted.contains(id) && booking.int("showId").map(ours.contains) == true {
            problems.append("booking \(id) exists but was never accepted (a retried POST applied twice)")
        }
        for (id, booking) in placed {
            guard let stored = byID[id] else { problems.append("booking \(id) was accepted and is gone (an event lost)"); continue }
            let status = stored.string("bookStatus") ?? "?"
            let pay = payments[id] ?? [], ticket = tickets[id] ?? [], row = rows[id] ?? []
            if pay.count > 1 { problems.append("booking \(id) was charged \(pay.count) times (applied twice)") }
            if ticket.count > 1 { problems.append("booking \(id) has \(ticket.count) tickets (applied twice)") }
            if row.count != 1 { problems.append("booking \(id) has \(row.count) dashboard rows, not 1 (view differs)") }
            let payStatus = pay.first?.string("status"), issueStatus = ticket.first?.string("issueStatus")
            switch status {
            case "Confirmed":
                seatsTaken[booking.show, default: 0] += booking.qty
                if payStatus != "Paid" || pay.first?.int("amount") != booking.qty * Self.price {
                    problems.append("booking \(id) is Confirmed but its payment is \(payStatus ?? "missing") of \(pay.first?.int("amount") ?? 0)")
                }
                if issueStatus != "Issuable" { problems.append("booking \(id) is Confirmed but its ticket is \(issueStatus ?? "missing")") }
            case "Cancelled":
                if payStatus == "Paid" { problems.append("booking \(id) is Cancelled but its payment is Paid") }
                if let issueStatus, issueStatus != "Cancelled" { problems.append("booking \(id) is Cancelled but its ticket is \(issueStatus)") }
            case "Failed":
                if !pay.isEmpty { problems.append("booking \(id) Failed but was charged") }
                if booking.show == shows[0].id { problems.append("booking \(id) Failed on a show with seats for every booking") }
            default:
                problems.append("booking \(id) is still \(status) (saga not finished)")
            }
            if let view = row.first, view.string("bookStatus") != status || view.string("payStatus") != payStatus
                || view.string("issueStatus") != issueStatus {
                problems.append("booking \(id)'s dashboard row says \(view.string("bookStatus") ?? "-")/\(view.string("payStatus") ?? "-")/"
                                + "\(view.string("issueStatus") ?? "-"), its sources \(status)/\(payStatus ?? "-")/\(issueStatus ?? "-") (view differs)")
            }
        }
        for show in shows {
            let remain = sources.shows.first { $0.int("id") == show.id }?.int("remainCount")
            if remain != show.seats - seatsTaken[show.id, default: 0] {
                problems.append("show \(show.id) has \(remain.map(String.init) ?? "no") seats left; \(show.seats) − \(seatsTaken[show.id, default: 0]) confirmed = \(show.seats - seatsTaken[show.id, default: 0])")
            }
        }
        return problems + (try stack.backlogsAndLag())
    }

    /// Final statuses of the accepted bookings, for the summary.
    func outcomes() throws -> [String: Int] {
        let ids = Set(lock.withLock { bookings.values.compactMap(\.id) })
        return Dictionary(grouping: try stack.collection("bookings").filter { $0.int("id").map(ids.contains) == true }) {
            $0.string("bookStatus") ?? "?"
        }.mapValues(\.count)
    }
}
