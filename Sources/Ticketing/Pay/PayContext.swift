import Chassis
import Foundation
import HTTP
import SQLite

/// Charges confirmed bookings and cancels the payment of cancelled ones. Cancelling first voids
/// the ticket by a sync call to issuance (behind a breaker), so a cancelled booking's ticket
/// can never be issued; while issuance is down or slow the cancellation is deferred and retried
/// by a background job until it succeeds.
public enum PayContext {
    public static let migrations = Payment.migrations

    public static func install(on service: Service) throws {
        let issuance = try service.upstream(
            "issuance", urlVariable: "ISSUANCE_URL", default: "http://127.0.0.1:8084", timeout: .seconds(2),
            breaker: CircuitBreakerConfiguration(slidingWindowSize: 10, minimumNumberOfCalls: 3,
                                                 waitDurationInOpenState: .seconds(3)))
        let retryInterval = try service.configuration.int("CANCELLATION_RETRY_MS", default: 500, in: 50...60_000)

        service.readRoutes("payments", singular: "payment", table: "payments", columns: Payment.columns, Payment.init)

        service.on(BookingConfirmed.self, from: Topics.booking) { booking, _, work in
            let inserted = try work.db.execute(
                "INSERT INTO payments (book_id, amount, status) VALUES (?, ?, ?) ON CONFLICT (book_id) DO NOTHING",
                .int(booking.id), .int(booking.qty * booking.amount), .text(PayStatus.paid))
            guard inserted == 1 else { return }
            let payment = try find(Int(work.db.lastInsertRowID), work.db)
            try work.publish(PaymentApproved(id: payment.id, bookId: payment.bookId, amount: payment.amount, status: payment.status))
        }
        // A confirmed booking's cancellation follows its confirmation on the same partition, but a
        // replayed dead letter can bring it first. Then the cancellation leaves a tombstone: a
        // payment of 0, already cancelled, so the late confirmation charges nothing (its insert
        // finds the row), and `PaymentCancelled` lets the show release the seats it holds.
        service.on(BookingCancelled.self, from: Topics.booking) { booking, context, work in
            guard booking.wasConfirmed else { return }   // never confirmed: never charged
            let requested = try work.db.execute("""
                UPDATE payments SET cancellation_requested_at = ?
                WHERE book_id = ? AND status = ? AND cancellation_requested_at IS NULL
                """, .text(context.envelope.time), .int(booking.id), .text(PayStatus.paid))
            guard requested == 0,
                  try work.db.execute("INSERT INTO payments (book_id, amount, status) VALUES (?, 0, ?) ON CONFLICT (book_id) DO NOTHING",
                                      .int(booking.id), .text(PayStatus.cancelled)) == 1
            else { return }
            let tombstone = try find(Int(work.db.lastInsertRowID), work.db)
            try work.publish(tombstone.cancelled)
        }

        let canceller = PaymentCanceller(service: service, issuance: issuance)
        service.every(.milliseconds(retryInterval), "payment-cancellations") { try canceller.cancelPending() }
    }

    static func find(_ id: Int, _ c: Connection) throws -> Payment {
        guard let row = try c.queryOne("SELECT \(Payment.columns) FROM payments WHERE id = ?", .int(id)) else {
            throw Problem.notFound("no payment \(id)")
        }
        return try Payment(row)
    }
}
