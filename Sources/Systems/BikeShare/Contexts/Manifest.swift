import Chassis

/// Bike sharing, 따릉이 (seed 001, SYSTEMS.md §2): passes paid by a sync call to payment,
/// bicycles rented by using a pass (a sync call to ticket), notifications by event, and each
/// pass's rental in `/rentBicycleViews`. Ports as the seed gives them: ticket 8081 … view 8085.
public let bikeshare = SystemManifest("bikeshare", contexts: [
    .init("ticket", routes: ["/tickets"], calls: ["payment"], scales: true),
    .init("payment", routes: ["/payments"], scales: true),
    .init("bicycle", routes: ["/bicycles"], calls: ["ticket"], scales: true),
    .init("message", routes: ["/messages"]),
    .init("view", routes: ["/rentBicycleViews"], views: ["rent_bicycle_rows"]),
], examples: [
    #"http :{gateway}/tickets ticketType=1 ticketStatus="ReadyForPay""#,
    #"http :{gateway}/bicycles bicycleStatus="Registered""#,
    "http PATCH :{gateway}/bicycles/1 ticketId=1 usingTime=60",
    "http GET :{gateway}/tickets/1",
    "http GET :{gateway}/rentBicycleViews",
    "http PATCH :{gateway}/bicycles/1 bicycleStatus=Returned",
    "http GET :{gateway}/messages",
], exampleContext: "payment")

/// Its bounded contexts, in the manifest's order: what a tool installs to learn which topics each reads.
public var bikeshareContexts: [any BoundedContext.Type] {
    [TicketContext.self, PaymentContext.self, BicycleContext.self, MessageContext.self, ViewContext.self]
}
