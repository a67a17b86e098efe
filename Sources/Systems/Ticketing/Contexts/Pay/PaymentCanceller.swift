import Chassis
import Foundation
import HTTP
import Storage

/// Works off the payments whose booking was cancelled: voids each ticket at issuance, then
/// cancels the payment and publishes `PaymentCancelled` in one transaction. A cancellation that
/// cannot reach issuance stays pending for the next pass: deferred, never lost.
enum PaymentCanceller {
    struct Cancellation: Sendable {
        let paymentId: Int, bookId: Int
    }

    static func install(on service: Service, issuance: Upstream, every interval: Duration) {
        service.deferredCalls("payment_cancellations", every: interval, pending: { c in
            try c.query("""
                SELECT id, book_id, cancellation_attempts FROM payments
                WHERE status = ? AND cancellation_requested_at IS NOT NULL
                ORDER BY cancellation_attempts, cancellation_requested_at, id LIMIT 100
                """, .status(PayStatus.paid)).map { row in
                let bookId = try row.int("book_id")
                return PendingCall(Cancellation(paymentId: try row.int("id"), bookId: bookId),
                                   attempts: try row.int("cancellation_attempts"), correlationID: String(bookId))
            }
        }, attempt: { cancellation in
            try cancel(cancellation, issuance, service)
        }, postpone: { cancellation, attempts, c in
            try c.execute("UPDATE payments SET cancellation_attempts = ? WHERE id = ?", .int(attempts), .int(cancellation.paymentId))
        })
    }

    /// Settles this payment (cancelled, or refused for good), or leaves it pending.
    private static func cancel(_ cancellation: Cancellation, _ issuance: Upstream, _ service: Service) throws -> CallOutcome {
        let (paymentId, bookId) = (cancellation.paymentId, cancellation.bookId)
        let saga = String(bookId)
        let body = Array(#"{"bookId":\#(bookId)}"#.utf8)
        let response: HTTPClientResponse
        do {
            response = try issuance.call("POST", "/ticketIssuances/cancellations", json: body, correlationID: saga)
        } catch {
            return .retry(reason: error.detail)
        }
        switch response.status {
        case 200..<300:
            try service.transaction(saga: saga) { work in
                try work.db.execute("UPDATE payments SET cancellation_requested_at = NULL WHERE id = ?", .int(paymentId))
                if let payment = try Payment.resource.transition(paymentId, from: [.paid], to: PayStatus.cancelled, work.db) {
                    try work.publish(payment.cancelled)
                }
            }
            service.log.info("payment cancelled", correlationID: saga, ["payment": "\(paymentId)"])
        case 409:
            // The ticket was issued before the cancellation reached issuance: an issued ticket
            // keeps its payment, and booking is told so that it undoes the cancellation.
            let reason = "the ticket of booking \(bookId) had already been issued"
            try service.transaction(saga: saga) { work in
                // Replicas run this job each: only the pass that settles the request announces it.
                guard try work.db.execute("""
                    UPDATE payments SET cancellation_requested_at = NULL WHERE id = ? AND cancellation_requested_at IS NOT NULL
                    """, .int(paymentId)) == 1 else { return }
                try work.publish(PaymentCancellationRefused(id: paymentId, bookId: bookId, reason: reason, status: .paid))
            }
            service.log.warning("payment cancellation refused: ticket already issued", correlationID: saga,
                                ["payment": "\(paymentId)"])
        default:
            return .retry(reason: "issuance answered \(response.status)")
        }
        return .settled
    }
}
