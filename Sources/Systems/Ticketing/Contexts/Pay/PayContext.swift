import Chassis
import Foundation
import HTTP
import Storage

/// Charges confirmed bookings and cancels the payment of cancelled ones. Cancelling first voids
/// the ticket by a sync call to issuance (behind a breaker), so a cancelled booking's ticket
/// can never be issued; while issuance is down or slow the cancellation is deferred and retried
/// by a background job until it succeeds.
public enum PayContext: BoundedContext {
    public static let system = ticketing
    public static let name = "pay"
    public static let publishes: [any DomainEvent.Type] = [
        PaymentApproved.self, PaymentCancelled.self, PaymentCancellationRefused.self,
    ]
    public static let migrations = Payment.migrations

    public static func install(on service: Service) throws {
        let issuance = try service.upstream(
            "issuance", timeout: .seconds(2),
            breaker: CircuitBreakerConfiguration(slidingWindowSize: 10, minimumNumberOfCalls: 3,
                                                 waitDurationInOpenState: .seconds(3)))
        let retryInterval = try service.configuration.int("CANCELLATION_RETRY_MS", default: 500, in: 50...60_000)

        service.readRoutes(Payment.resource)

        service.on(BookingConfirmed.self, from: Topics.booking) { booking, _, work in
            guard let payment = try Payment.resource.insertIfAbsent(
                ["book_id": .int(booking.id), "amount": .int(booking.qty * booking.amount), "status": .status(PayStatus.paid)], work.db)
            else { return }
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
                """, .text(context.envelope.time), .int(booking.id), .status(PayStatus.paid))
            guard requested == 0,
                  let tombstone = try Payment.resource.insertIfAbsent(
                      ["book_id": .int(booking.id), "amount": .int(0), "status": .status(PayStatus.cancelled)], work.db)
            else { return }
            try work.publish(tombstone.cancelled)
        }

        PaymentCanceller.install(on: service, issuance: issuance, every: .milliseconds(retryInterval))
    }
}
