// swift-tools-version: 6.2
// SpotCheck: spot-check supervision (双随机一公开) of legal-service institutions.
// The module map is ../shared/design/ARCHITECTURE.md; benchmarks live in their own package
// (Benchmarks/Package.swift) so that CI never builds them.

import PackageDescription

// As swift-log 1.16.2 builds: a module's public surface is what it imports `public`ly, and a
// member is visible only where its module is imported, so a leak of GRDB types past Store is a
// compile error.
let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "SpotCheck",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "WorkingDays", targets: ["WorkingDays"]),
        .library(name: "Rosters", targets: ["Rosters"]),
        .library(name: "Draw", targets: ["Draw"]),
        .library(name: "Fingerprint", targets: ["Fingerprint"]),
        .library(name: "Import", targets: ["Import"]),
        .library(name: "DemoData", targets: ["DemoData"]),
        .library(name: "Supervision", targets: ["Supervision"]),
        .executable(name: "spotcheck", targets: ["spotcheck"]),
        .executable(name: "spotcheckd", targets: ["spotcheckd"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0", traits: [.defaults, "YAML"]),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // Pure: civil dates and layered working-day calendars. Standard library only.
        .target(name: "WorkingDays", swiftSettings: strict),
        // Pure: the list and the two rosters (一单两库): categories, credit codes, identifiers, jurisdictions.
        .target(name: "Rosters", swiftSettings: strict),
        // Pure: work split across cores, results gathered in order.
        .target(name: "Parallel", swiftSettings: strict),
        // Pure: content fingerprints (SHA-256, lower-case hex).
        .target(name: "Fingerprint", dependencies: [.product(name: "Crypto", package: "swift-crypto")], swiftSettings: strict),
        // Pure: SPOTCHECK-DRAW-1, the publicly verifiable draw (shared design DRAW.md).
        .target(
            name: "Draw",
            dependencies: ["Rosters", "Fingerprint", "Parallel", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        // Pure: the articles as rules (procedure states, rates, the announce decisions).
        .target(name: "Regulation", dependencies: ["WorkingDays", "Rosters", "Draw"], swiftSettings: strict),
        // Pure: the values the database keeps (plans, rounds, versions, audit entries), without GRDB.
        .target(name: "Records", dependencies: ["Rosters", "Regulation", "WorkingDays", "Draw"], swiftSettings: strict),
        // Pure: values → published files (CSV, HTML).
        .target(name: "Publication", dependencies: ["Rosters", "Regulation", "WorkingDays"], swiftSettings: strict),
        // Pure: a synthetic Ningxia deployment for tests, benchmarks and the demo database.
        .target(name: "DemoData", dependencies: ["Rosters"], swiftSettings: strict),
        // Pure: the reference data that ships (calendar notices, GB/T 2260), compiled in.
        .target(name: "ReferenceData", swiftSettings: strict),
        // GRDB on the system libsqlite3: schema, migrations, typed records, the audit log.
        .target(
            name: "Store",
            dependencies: [
                "WorkingDays", "Rosters", "Regulation", "Records", "Fingerprint",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strict),
        // Files from officials → validated values, with errors naming file, line and field.
        .target(
            name: "Import",
            dependencies: [
                "WorkingDays", "Rosters", "Fingerprint", "Parallel",
                .product(name: "Yams", package: "Yams"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: strict),
        // The use cases both executables share: read a snapshot, decide with the pure rules,
        // hand Store one change.
        .target(
            name: "Supervision",
            dependencies: [
                "Store", "Import", "Records", "Regulation", "Draw", "Rosters", "WorkingDays", "ReferenceData",
                "Fingerprint", "Publication", "DemoData", "Parallel",
                .product(name: "Configuration", package: "swift-configuration"),
            ],
            swiftSettings: strict),
        // The only C: systemd's notify and journal APIs, timerfd, eventfd, inotify (Linux).
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        // sd_notify, the journal as a swift-log handler, the wall-clock timer and the one wait.
        .target(name: "SystemdSupport", dependencies: ["CSystemd", .product(name: "Logging", package: "swift-log")], swiftSettings: strict),
        // The daemon's services: the scheduler that evaluates and logs alert transitions, the reloader.
        .target(
            name: "Daemon",
            dependencies: [
                "Supervision", "SystemdSupport", "Publication", "Regulation", "WorkingDays",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        // The durable outbox's worker: claims due rows, delivers them (webhooks over
        // AsyncHTTPClient, mail over SMTP on NIO), backs off, and sets the hopeless ones dead.
        .target(
            name: "Delivery",
            dependencies: [
                "Supervision", "Regulation", "Publication", "WorkingDays",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        // The systemd service: configuration and arguments, then a ServiceGroup.
        .executableTarget(
            name: "spotcheckd",
            dependencies: [
                "Daemon", "Delivery", "Supervision", "SystemdSupport", "Publication",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        // The command line for officials and ops: parse, call Supervision, print.
        .executableTarget(
            name: "spotcheck",
            dependencies: [
                "Supervision", "Records", "WorkingDays", "Rosters", "Publication", "DemoData", "Draw", "Regulation", "Fingerprint",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
            ],
            swiftSettings: strict),
        .testTarget(name: "WorkingDaysTests", dependencies: ["WorkingDays", "Import"], swiftSettings: strict),
        .testTarget(
            name: "StoreTests",
            dependencies: ["Store", "Records", "WorkingDays", "Rosters", "DemoData", "Regulation", "Fingerprint", .product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["Schema"],
            swiftSettings: strict),
        .testTarget(name: "RostersTests", dependencies: ["Rosters"], swiftSettings: strict),
        .testTarget(name: "ParallelTests", dependencies: ["Parallel"], swiftSettings: strict),
        .testTarget(name: "RegulationTests", dependencies: ["Regulation", "Draw", "Rosters"], swiftSettings: strict),
        .testTarget(name: "DrawTests", dependencies: ["Draw", "Fingerprint"], exclude: ["Vectors", "Independent"], swiftSettings: strict),
        .testTarget(name: "ImportTests", dependencies: ["Import", "WorkingDays", "Rosters"], swiftSettings: strict),
        .testTarget(name: "PublicationTests", dependencies: ["Publication", "Rosters", "Import"], swiftSettings: strict),
        .testTarget(name: "DemoDataTests", dependencies: ["DemoData", "Rosters"], swiftSettings: strict),
        .testTarget(name: "ReferenceDataTests", dependencies: ["ReferenceData"], swiftSettings: strict),
        .testTarget(name: "SupervisionTests", dependencies: ["Supervision", "Publication", "Records", "Rosters", "WorkingDays", "Draw", "Store", "Regulation"], swiftSettings: strict),
        .testTarget(name: "SpotcheckCLITests", dependencies: ["spotcheck"], swiftSettings: strict),
        .testTarget(name: "SpotcheckdTests", dependencies: ["spotcheckd", "spotcheck", "Regulation"], exclude: ["Receivers"], swiftSettings: strict),
        .testTarget(name: "DeliveryTests", dependencies: ["Delivery", "Supervision", "Regulation", "Records"], exclude: ["Receivers"], swiftSettings: strict),
        .testTarget(name: "SystemdSupportTests", dependencies: ["SystemdSupport", "CSystemd", .product(name: "Logging", package: "swift-log")], swiftSettings: strict),
    ]
)
