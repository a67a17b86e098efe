import BikeShare
import Chassis
import Demo
import Gifticon
import Hotel
import Musical
import Ticketing

/// Every system devstack can run, from the systems' own manifests. Adding one is adding it here.
enum Systems {
    static let all = [demo, ticketing, bikeshare, musical, gifticon, hotel]

    static func named(_ name: String) -> SystemManifest? {
        all.first { $0.name == name }
    }
}
