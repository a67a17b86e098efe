import Chassis

/// Show ticketing (seed 000, SYSTEMS.md §1): the one place that says which contexts the system
/// has, on which ports (8081… in this order), which paths each serves and whom each calls.
public let ticketing = SystemManifest("ticketing", contexts: [
    .init("booking", routes: ["/bookings"], calls: ["show"], scales: true),
    .init("show", routes: ["/shows"], scales: true),
    .init("pay", routes: ["/payments"], calls: ["issuance"], scales: true),
    .init("issuance", routes: ["/ticketIssuances"]),
    .init("dashboard", routes: ["/showStatuses"], views: ["show_statuses"]),
], examples: [
    "http post :{gateway}/shows showName=showName1 totalCount=100 remainCount=100",
    "http post :{gateway}/bookings showId=1 qty=10 amount=30000 showName=showName1",
    "http get :{gateway}/showStatuses",
    "http patch :{gateway}/bookings/1 bookStatus=Cancelled",
], exampleContext: "pay")

/// Its bounded contexts, in the manifest's order: what a tool installs to learn which topics each reads.
public var ticketingContexts: [any BoundedContext.Type] {
    [BookingContext.self, ShowContext.self, PayContext.self, IssuanceContext.self, DashboardContext.self]
}
