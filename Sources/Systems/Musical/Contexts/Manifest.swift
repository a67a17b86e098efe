import Chassis

/// Musical reservation, OuterPark (seed 002, SYSTEMS.md §3): musicals and their seats,
/// reservations that take seats by a sync call, payments approved by event, a notice per
/// payment change, and each reservation's progress in `/myPages`.
public let musical = SystemManifest("musical", contexts: [
    .init("musical", routes: ["/musicals"], scales: true),
    .init("reservation", routes: ["/reservations"], calls: ["musical"], scales: true),
    .init("payment", routes: ["/payments"], scales: true),
    .init("notice", routes: ["/notices"]),
    .init("customercenter", routes: ["/myPages"], views: ["my_pages"]),
], examples: [
    "http POST :{gateway}/musicals musicalId=1003 name=HOT reservableSeat=100",
    "http POST :{gateway}/reservations musicalId=1003 seats=10 price=50000",
    "http POST :{gateway}/reservations musicalId=1003 seats=15 price=50000",
    "http GET :{gateway}/musicals/1",
    "http GET :{gateway}/myPages",
    "http DELETE :{gateway}/reservations/1",
    "http GET :{gateway}/notices",
    "http GET :{gateway}/myPages/1",
], exampleContext: "payment", namespace: "outerpark")

/// Its bounded contexts, in the manifest's order: what a tool installs to learn which topics each reads.
public var musicalContexts: [any BoundedContext.Type] {
    [MusicalContext.self, ReservationContext.self, PaymentContext.self,
     NoticeContext.self, CustomercenterContext.self]
}
