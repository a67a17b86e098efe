import Chassis
import Foundation
import HTTP

extension Metric {
    static let paymentCancellationsPending = gauge("payment_cancellations_pending",
                                                   "Cancelled bookings whose payment waits for issuance to void the ticket")
}

/// Works off the payments whose booking was cancelled: voids each ticket at issuance, then
/// cancels the payment and publishes `PaymentCancelled` in one transaction. A cancellation that
/// cannot reach issuance stays pending for the next pass: deferred, never lost. Each is tried on
/// its own, so one that keeps failing never holds back those behind it (while issuance is down
/// the breaker fails each at once).
struct PaymentCanceller: Sendable {
    let service: Service
    let issuance: Upstream

    init(service: Service, issuance: Upstream) {
        self.service = service
        self.issuance = issuance
        service.metrics.declare(.paymentCancellationsPending)
    }

    func cancelPending() throws {
        let pending = try service.database.read { c in
            try c.query("""
                SELECT id, book_id, cancellation_attempts FROM payments
                WHERE status = ? AND cancellation_requested_at IS NOT NULL
                ORDER BY cancellation_attempts, cancellation_requested_at, id LIMIT 100
                """, .text(PayStatus.paid))
        }
        service.metrics.set(.paymentCancellationsPending, to: Double(pending.count))
        for row in pending {
            let paymentId = try row.int("id"), bookId = try row.int("book_id")
            let attempt = try row.int("cancellation_attempts") + 1
            do {
                try cancel(paymentId: paymentId, bookId: bookId, attempt: attempt)
            } catch {
                service.log.error("payment cancellation failed", correlationID: String(bookId),
                                  ["payment": "\(paymentId)", "error": "\(error)"])
            }
        }
    }

    /// Settles this payment (cancelled, or refused for good), or leaves it pending for a later pass.
    private func cancel(paymentId: Int, bookId: Int, attempt: Int) throws {
        let body = Array(#"{"bookId":\#(bookId)}"#.utf8)
        let response: HTTPClientResponse
        do {
            response = try issuance.call("POST", "/ticketIssuances/cancellations", json: body, correlationID: String(bookId))
        } catch {
            try postpone(paymentId: paymentId, bookId: bookId, attempt: attempt, reason: error.detail)
            return
        }
        switch response.status {
        case 200..<300:
            try service.transaction { work in
                try work.db.execute("UPDATE payments SET status = ?, cancellation_requested_at = NULL WHERE id = ?",
                                    .text(PayStatus.cancelled), .int(paymentId))
                let payment = try PayContext.find(paymentId, work.db)
                try work.publish(payment.cancelled)
            }
            service.log.info("payment cancelled", correlationID: String(bookId), ["payment": "\(paymentId)", "attempts": "\(attempt)"])
        case 409:
            // The ticket was issued before the cancellation reached issuance: an issued ticket
            // keeps its payment, and booking is told so that it undoes the cancellation.
            let reason = "the ticket of booking \(bookId) had already been issued"
            try service.transaction { work in
                try work.db.execute("UPDATE payments SET cancellation_requested_at = NULL WHERE id = ?", .int(paymentId))
                try work.publish(PaymentCancellationRefused(id: paymentId, bookId: bookId, reason: reason, status: PayStatus.paid))
            }
            service.log.warning("payment cancellation refused: ticket already issued", correlationID: String(bookId),
                                ["payment": "\(paymentId)"])
        default:
            try postpone(paymentId: paymentId, bookId: bookId, attempt: attempt, reason: "issuance answered \(response.status)")
        }
    }

    private func postpone(paymentId: Int, bookId: Int, attempt: Int, reason: String) throws {
        _ = try service.transaction { work in
            try work.db.execute("UPDATE payments SET cancellation_attempts = ? WHERE id = ?", .int(attempt), .int(paymentId))
        }
        // The first failure and every 20th after it, so an outage does not flood the log.
        if attempt == 1 || attempt % 20 == 0 {
            service.log.warning("payment cancellation deferred", correlationID: String(bookId),
                                ["payment": "\(paymentId)", "attempts": "\(attempt)", "reason": reason])
        }
    }
}
