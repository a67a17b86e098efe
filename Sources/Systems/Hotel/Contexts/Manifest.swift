import Chassis

/// Hotel reservation, GotoHotel (seed 004, SYSTEMS.md §5): orders paid by a sync call, the
/// hotel's reservations kept by event, a kakao notification per hotel status change, and each
/// order's progress in `/mypages`. Ports as the seed gives them: order 8081 … notification 8085.
public let hotel = SystemManifest("hotel", contexts: [
    .init("order", routes: ["/orders"], calls: ["payment"], scales: true),
    .init("reservation", routes: ["/reservations"], scales: true),
    .init("payment", routes: ["/payments"], scales: true),
    .init("customercenter", routes: ["/mypages"], views: ["mypages"]),
    .init("notification", routes: ["/notifications"]),
], examples: [
    "http :{gateway}/orders name=Moonhee roomType=delux",
    "http :{gateway}/payments orderId=1 cardNo=12345",
    #"http :{gateway}/reservations orderId=1 status="confirmed""#,
    "http :{gateway}/orders/1",
    "http :{gateway}/mypages",
    "http DELETE :{gateway}/orders/1",
    "http :{gateway}/notifications",
], exampleContext: "reservation", namespace: "gotohotel")

/// Its bounded contexts, in the manifest's order: what a tool installs to learn which topics each reads.
public var hotelContexts: [any BoundedContext.Type] {
    [OrderContext.self, ReservationContext.self, PaymentContext.self,
     CustomercenterContext.self, NotificationContext.self]
}
