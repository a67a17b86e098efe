// swift-tools-version:6.0
import PackageDescription

// scripts/setup builds librdkafka 2.8.0 (patched) into /usr/local; Debian's own, older one may
// also be present, and the rpath makes the loader pick ours first.
let rdkafkaRPath: [LinkerSetting] = [.unsafeFlags(["-Xlinker", "-rpath", "-Xlinker", "/usr/local/lib"])]

// Every system, and its bounded contexts in manifest order: `Sources/Systems/<System>/Contexts`
// is its library (manifest, contracts, contexts), each `Executables/<context>/main.swift` the
// executable `<system>-<context>`. Written out, not read from the folders: SwiftPM caches this
// manifest and would not see a new folder.
let systems: [(name: String, contexts: [String])] = [
    ("Demo", ["ledger"]),
    ("Ticketing", ["booking", "show", "pay", "issuance", "dashboard"]),
    ("Musical", ["musical", "reservation", "payment", "notice", "customercenter"]),
    ("Gifticon", ["gifticon", "cart", "payment", "mypage"]),
    ("BikeShare", ["ticket", "payment", "bicycle", "message", "view"]),
    ("Hotel", ["order", "reservation", "payment", "customercenter", "notification"]),
]
let executables = systems.flatMap { system in
    system.contexts.map { (system: system.name, name: "\(system.name.lowercased())-\($0)", path: "Sources/Systems/\(system.name)/Executables/\($0)") }
}
func executablesOf(_ system: String) -> [Target.Dependency] {
    executables.filter { $0.system == system }.map { .target(name: $0.name) }
}
let allExecutables: [Target.Dependency] = executables.map { .target(name: $0.name) }
let systemLibraries: [Target.Dependency] = systems.map { .target(name: $0.name) }
// The chassis' example is not deployed.
let deployedLibraries: [Target.Dependency] = systems.filter { $0.name != "Demo" }.map { .target(name: $0.name) }

let package = Package(
    name: "EventDrivenSystems",
    platforms: [.macOS(.v15)],
    targets: [
        // Platform: the C libraries and thin Swift wrappers of them
        .systemLibrary(name: "CRdKafka", path: "Sources/Platform/CRdKafka", pkgConfig: "rdkafka",
                       providers: [.apt(["run scripts/setup: librdkafka 2.8.0 with its fixes"])]),
        .systemLibrary(name: "CSQLite", path: "Sources/Platform/CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "Kafka", dependencies: ["CRdKafka"], path: "Sources/Platform/Kafka", linkerSettings: rdkafkaRPath),
        .systemLibrary(name: "CLibPQ", path: "Sources/Platform/CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .target(name: "Storage", dependencies: ["CSQLite", "CLibPQ"], path: "Sources/Platform/Storage"),
        .systemLibrary(name: "CEpoll", path: "Sources/Platform/CEpoll"),
        .systemLibrary(name: "CCrypto", path: "Sources/Platform/CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "JSON", path: "Sources/Platform/JSON"),
        .target(name: "HTTP", dependencies: ["CEpoll", "JSON"], path: "Sources/Platform/HTTP"),
        .target(name: "Processes", path: "Sources/Platform/Processes"),
        .target(name: "Tracing", dependencies: ["HTTP", "JSON"], path: "Sources/Platform/Tracing"),

        // What every bounded context stands on
        .target(name: "Chassis", dependencies: ["Kafka", "Storage", "HTTP", "JSON", "Processes", "Tracing"]),
        .target(name: "ChassisTesting", dependencies: ["Chassis", "HTTP", "Kafka", "Storage"]),
    ]
    // Systems: one library each, one executable per bounded context
    + systems.map { .target(name: $0.name, dependencies: ["Chassis", "HTTP", "Storage"], path: "Sources/Systems/\($0.name)/Contexts") }
    + executables.map { .executableTarget(name: $0.name, dependencies: [.target(name: $0.system), "Chassis"], path: $0.path) }
    + [
        // Tools
        .executableTarget(name: "eventctl", dependencies: ["Kafka"], path: "Sources/Tools/eventctl"),
        .executableTarget(name: "gateway", dependencies: ["CCrypto", "HTTP", "JSON", "Processes", "Tracing"], path: "Sources/Tools/gateway"),
        .executableTarget(name: "deploygen", dependencies: ["Chassis", "HTTP"] + deployedLibraries, path: "Sources/Tools/deploygen"),
        .executableTarget(name: "probe", dependencies: ["HTTP"], path: "Sources/Tools/probe"),
        .executableTarget(name: "chaos", dependencies: ["HTTP", "JSON", "Storage", "Processes", "BikeShare", "Hotel"], path: "Sources/Tools/chaos"),
        .executableTarget(name: "devstack", dependencies: ["Kafka", "HTTP", "JSON", "Processes", "Chassis"] + systemLibraries,
                          path: "Sources/Tools/devstack"),

        // Benchmarks (bench/run builds them in release)
        .executableTarget(name: "bench-saga", dependencies: ["HTTP", "Kafka", "Processes", "Chassis", "Ticketing"], path: "bench/saga"),

        // Tests
        .target(name: "TestSupport", dependencies: ["Kafka", "HTTP", "JSON", "Processes", "Chassis", "Storage"], path: "Tests/TestSupport"),
        .testTarget(name: "KafkaTests", dependencies: ["Kafka", "TestSupport"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "TestSupport"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON", "TestSupport"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "TestSupport"]),
        .testTarget(name: "TracingTests", dependencies: ["Tracing", "HTTP", "JSON", "TestSupport"]),
        .testTarget(name: "ChassisTests", dependencies: ["Chassis", "Kafka"]),
        .testTarget(name: "EventctlTests", dependencies: ["Kafka", "TestSupport", "eventctl"]),
        .testTarget(name: "GatewayTests", dependencies: ["gateway", "CCrypto", "HTTP", "TestSupport"]),
        .testTarget(name: "DeploymentTests", dependencies: ["deploygen", "probe", "HTTP", "JSON", "Storage", "TestSupport"]),
        .testTarget(name: "DevstackTests", dependencies: ["devstack", "gateway", "chaos", "TestSupport", "HTTP", "Kafka", "Storage"] + allExecutables),
        .testTarget(name: "ChassisIntegrationTests",
                    dependencies: ["Chassis", "Demo", "Kafka", "HTTP", "TestSupport"] + executablesOf("Demo")),
        .testTarget(name: "TicketingTests", dependencies: ["Ticketing", "ChassisTesting", "Chassis", "HTTP", "Storage"]),
        .testTarget(name: "MusicalTests", dependencies: ["Musical", "ChassisTesting", "Chassis", "HTTP", "Storage"]),
        .testTarget(name: "GifticonTests", dependencies: ["Gifticon", "ChassisTesting", "Chassis", "HTTP", "Storage"]),
        .testTarget(name: "BikeShareTests", dependencies: ["BikeShare", "ChassisTesting", "Chassis", "HTTP", "Storage"]),
        .testTarget(name: "HotelTests", dependencies: ["Hotel", "ChassisTesting", "Chassis", "HTTP", "Storage"]),
        .testTarget(name: "MusicalScenarioTests",
                    dependencies: ["Musical", "HTTP", "TestSupport", "gateway"] + executablesOf("Musical")),
        .testTarget(name: "GifticonScenarioTests",
                    dependencies: ["Gifticon", "HTTP", "TestSupport", "gateway"] + executablesOf("Gifticon")),
        .testTarget(name: "BikeShareScenarioTests",
                    dependencies: ["BikeShare", "HTTP", "TestSupport", "gateway"] + executablesOf("BikeShare")),
        .testTarget(name: "HotelScenarioTests",
                    dependencies: ["Hotel", "HTTP", "TestSupport", "gateway"] + executablesOf("Hotel")),
        .testTarget(name: "TicketingScenarioTests",
                    dependencies: ["Ticketing", "Chassis", "Storage", "HTTP", "Kafka", "TestSupport", "eventctl", "gateway", "bench-saga"]
                        + executablesOf("Ticketing")),
    ],
    swiftLanguageModes: [.v6]
)

// Release builds specialize generics across modules (a context's event types through the
// chassis' and JSON's generic code): without it every event and row decoded pays for runtime
// type lookups.
for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]
}
