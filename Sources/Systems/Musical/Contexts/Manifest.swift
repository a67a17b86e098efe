import Chassis

/// Musical reservation, OuterPark (seed 002, SYSTEMS.md §3): musicals and their seats,
/// reservations that take seats by a sync call, payments approved by event, a notice per
/// payment change, and each reservation's progress in `/myPages`.
public let musical = SystemManifest("musical", contexts: [
    .init("musical", routes: ["/musicals"]),
    .init("reservation", routes: ["/reservations"], calls: ["musical"]),
    .init("payment", routes: ["/payments"]),
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
], exampleContext: "payment")
