// swift-tools-version:6.0
import PackageDescription

// scripts/setup installs librdkafka >= 2.2 under /usr/local on Debian bookworm, whose own
// 2.0.2 may also be present; the rpath makes the loader pick the new one first.
let rdkafkaRPath: [LinkerSetting] = [.unsafeFlags(["-Xlinker", "-rpath", "-Xlinker", "/usr/local/lib"])]

let package = Package(
    name: "EventDrivenSystems",
    platforms: [.macOS(.v15)],
    targets: [
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka",
                       providers: [.apt(["librdkafka-dev (>= 2.2), or run scripts/setup"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        .target(name: "Kafka", dependencies: ["CRdKafka"], linkerSettings: rdkafkaRPath),

        .target(name: "TestSupport", dependencies: ["Kafka"], path: "Tests/TestSupport"),
        .testTarget(name: "KafkaTests", dependencies: ["Kafka", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
