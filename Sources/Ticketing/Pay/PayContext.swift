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
        // A booking cancelled before it was confirmed has no payment: its cancellation follows its
        // confirmation on the same partition, so there is nothing to wait for.
        service.on(BookingCancelled.self, from: Topics.booking) { booking, context, work in
            try work.db.execute("""
                UPDATE payments SET cancellation_requested_at = ?
                WHERE book_id = ? AND status = ? AND cancellation_requested_at IS NULL
                """, .text(context.envelope.time), .int(booking.id), .text(PayStatus.paid))
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
