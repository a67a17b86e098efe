import Chassis

/// The chassis' own example: one context that records entries and consumes its own events into
/// effects, so a duplicate or lost effect shows. Its tests exercise the outbox, inbox and relay.
public let demo = SystemManifest("demo", contexts: [
    .init("ledger", routes: ["/entries", "/effects"]),
], examples: [
    "http post :{gateway}/entries account=alice amount=10",
    "http get :{gateway}/effects",
])
