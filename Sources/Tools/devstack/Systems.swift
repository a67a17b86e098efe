/// Every system devstack can run. Adding one is adding an entry here; its executables must be
/// in Package.swift as `<system>-<context>`. Port offsets 8 (gateway) and 9 (control) are taken.
enum Systems {
    static let all = [demo, ticketing]

    static let demo = SystemDefinition(
        name: "demo",
        services: [ServiceDefinition("ledger", portOffset: 1)],
        routes: [("/entries", "ledger"), ("/effects", "ledger")],
        examples: [
            "http post :{gateway}/entries account=alice amount=10",
            "http get :{gateway}/effects",
        ],
        exampleContext: "ledger")

    static let ticketing = SystemDefinition(
        name: "ticketing",
        services: [
            ServiceDefinition("booking", portOffset: 1, upstreams: ["SHOW_URL": "show"]),
            ServiceDefinition("show", portOffset: 2),
            ServiceDefinition("pay", portOffset: 3, upstreams: ["ISSUANCE_URL": "issuance"]),
            ServiceDefinition("issuance", portOffset: 4),
            ServiceDefinition("dashboard", portOffset: 5),
        ],
        routes: [
            ("/bookings", "booking"), ("/shows", "show"), ("/payments", "pay"),
            ("/ticketIssuances", "issuance"), ("/showStatuses", "dashboard"),
        ],
        examples: [
            "http post :{gateway}/shows showName=showName1 totalCount=100 remainCount=100",
            "http post :{gateway}/bookings showId=1 qty=10 amount=30000 showName=showName1",
            "http get :{gateway}/showStatuses",
            "http patch :{gateway}/bookings/1 bookStatus=Cancelled",
        ],
        exampleContext: "pay")

    static func named(_ name: String) -> SystemDefinition? {
        all.first { $0.name == name }
    }
}
