// swift-tools-version:6.0
import PackageDescription

// scripts/setup builds librdkafka 2.8.0 (patched) into /usr/local; Debian's own, older one may
// also be present, and the rpath makes the loader pick ours first.
let rdkafkaRPath: [LinkerSetting] = [.unsafeFlags(["-Xlinker", "-rpath", "-Xlinker", "/usr/local/lib"])]

let package = Package(
    name: "EventDrivenSystems",
    platforms: [.macOS(.v15)],
    targets: [
        // C libraries
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka",
                       providers: [.apt(["run scripts/setup: librdkafka 2.8.0 with its fixes"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        // Platform
        .target(name: "Kafka", dependencies: ["CRdKafka"], linkerSettings: rdkafkaRPath),
        .target(name: "SQLite", dependencies: ["CSQLite"]),
        .target(name: "HTTP"),
        .target(name: "Processes"),
        .target(name: "Chassis", dependencies: ["Kafka", "SQLite", "HTTP", "Processes"]),

        // Systems: one library per system, one executable per bounded context
        .target(name: "Demo", dependencies: ["Chassis", "HTTP", "SQLite"]),
        .executableTarget(name: "demo-ledger", dependencies: ["Demo", "Chassis"], path: "Sources/Services/demo/ledger"),
        .target(name: "Ticketing", dependencies: ["Chassis", "HTTP", "SQLite"]),
        .executableTarget(name: "ticketing-booking", dependencies: ["Ticketing", "Chassis"], path: "Sources/Services/ticketing/booking"),
        .executableTarget(name: "ticketing-show", dependencies: ["Ticketing", "Chassis"], path: "Sources/Services/ticketing/show"),
        .executableTarget(name: "ticketing-pay", dependencies: ["Ticketing", "Chassis"], path: "Sources/Services/ticketing/pay"),
        .executableTarget(name: "ticketing-issuance", dependencies: ["Ticketing", "Chassis"], path: "Sources/Services/ticketing/issuance"),
        .executableTarget(name: "ticketing-dashboard", dependencies: ["Ticketing", "Chassis"], path: "Sources/Services/ticketing/dashboard"),

        // Tools
        .executableTarget(name: "eventctl", dependencies: ["Kafka"], path: "Sources/Tools/eventctl"),
        .executableTarget(name: "gateway", dependencies: ["HTTP", "Processes"], path: "Sources/Tools/gateway"),
        .executableTarget(name: "devstack", dependencies: ["Kafka", "HTTP", "Processes"], path: "Sources/Tools/devstack"),

        // Tests
        .target(name: "TestSupport", dependencies: ["Kafka", "HTTP", "Processes"], path: "Tests/TestSupport"),
        .testTarget(name: "KafkaTests", dependencies: ["Kafka", "TestSupport"]),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP"]),
        .testTarget(name: "ChassisTests", dependencies: ["Chassis", "Kafka"]),
        .testTarget(name: "EventctlTests", dependencies: ["Kafka", "TestSupport", "eventctl"]),
        .testTarget(name: "TicketingScenarioTests",
                    dependencies: ["Ticketing", "SQLite", "HTTP", "TestSupport", "eventctl", "gateway", "ticketing-booking", "ticketing-show",
                                   "ticketing-pay", "ticketing-issuance", "ticketing-dashboard"]),
        .testTarget(name: "GatewayTests", dependencies: ["gateway", "HTTP", "TestSupport"]),
        .testTarget(name: "DevstackTests", dependencies: ["devstack", "gateway", "demo-ledger", "ticketing-booking", "ticketing-show",
                                                          "ticketing-pay", "ticketing-issuance", "ticketing-dashboard",
                                                          "TestSupport", "HTTP"]),
        .testTarget(name: "ChassisIntegrationTests",
                    dependencies: ["Chassis", "Demo", "Kafka", "HTTP", "TestSupport", "demo-ledger"]),
    ],
    swiftLanguageModes: [.v6]
)
