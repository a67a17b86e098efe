import Chassis

/// Gifticon purchase (seed 003, SYSTEMS.md §4): gifticons and their quantity, carts that take
/// from it by a sync call, payments approved by event, and each cart's progress in `/mypages`.
public let gifticon = SystemManifest("gifticon", contexts: [
    .init("gifticon", routes: ["/gifticons"], scales: true),
    .init("cart", routes: ["/carts"], calls: ["gifticon"], scales: true),
    .init("payment", routes: ["/payments"], scales: true),
    .init("mypage", routes: ["/mypages"], views: ["mypages"]),
], examples: [
    #"http POST :{gateway}/gifticons gifticonId="1" name="Americano" availableQuantity="100" price="5000""#,
    #"http POST :{gateway}/carts gifticonId="1" quantity="10""#,
    #"http POST :{gateway}/carts gifticonId="1" quantity="15""#,
    "http GET :{gateway}/gifticons/1",
    "http GET :{gateway}/payments",
    "http GET :{gateway}/mypages",
    "http DELETE :{gateway}/carts/1",
    "http GET :{gateway}/carts",
    "http GET :{gateway}/mypages/1",
], exampleContext: "payment")

/// Its bounded contexts, in the manifest's order: what a tool installs to learn which topics each reads.
public var gifticonContexts: [any BoundedContext.Type] {
    [GifticonContext.self, CartContext.self, PaymentContext.self, MypageContext.self]
}
