// swift-tools-version: 6.2
// SpotCheck: spot-check supervision (双随机一公开) of legal-service institutions.
// The module map is ../shared/design/ARCHITECTURE.md; benchmarks live in their own package
// (Benchmarks/Package.swift) so that CI never builds them.

import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "SpotCheck",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "WorkingDays", targets: ["WorkingDays"]),
        .library(name: "Rosters", targets: ["Rosters"]),
        .library(name: "Store", targets: ["Store"]),
        .library(name: "DemoData", targets: ["DemoData"]),
        .library(name: "Draw", targets: ["Draw"]),
        .library(name: "Import", targets: ["Import"]),
        .executable(name: "spotcheck", targets: ["spotcheck"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0", traits: [.defaults, "YAML"]),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/CoreOffice/XMLCoder", from: "0.18.2"),
    ],
    targets: [
        // Pure: civil dates and layered working-day calendars. Standard library only.
        .target(name: "WorkingDays", swiftSettings: strict),
        // Pure: the list and the two rosters (一单两库): categories, credit codes, jurisdictions.
        .target(name: "Rosters", swiftSettings: strict),
        // Pure: the articles as rules (procedure states, rates).
        .target(name: "Regulation", dependencies: ["WorkingDays"], swiftSettings: strict),
        // Pure: SPOTCHECK-DRAW-1, the publicly verifiable draw (shared design DRAW.md).
        .target(
            name: "Draw",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        // Pure: values → published files (CSV, HTML).
        .target(name: "Publication", dependencies: ["Rosters"], swiftSettings: strict),
        // Pure: a synthetic Ningxia deployment for tests, benchmarks and the demo database.
        .target(name: "DemoData", dependencies: ["Rosters"], swiftSettings: strict),
        // GRDB on the system libsqlite3: schema, migrations, audit log, calendar versions, rosters.
        .target(
            name: "Store",
            dependencies: [
                "WorkingDays", "Rosters", "Regulation", "Draw",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strict),
        // Files from officials → validated values, with errors naming file, line and field.
        .target(
            name: "Import",
            dependencies: [
                "WorkingDays", "Store", "Rosters",
                .product(name: "Yams", package: "Yams"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "XMLCoder", package: "XMLCoder"),
            ],
            swiftSettings: strict),
        // The command line for officials and ops: thin.
        .executableTarget(
            name: "spotcheck",
            dependencies: [
                "WorkingDays", "Store", "Import", "Rosters", "Publication", "DemoData", "Draw", "Regulation",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
            ],
            swiftSettings: strict),
        .testTarget(name: "WorkingDaysTests", dependencies: ["WorkingDays", "Import"], swiftSettings: strict),
        .testTarget(
            name: "StoreTests",
            dependencies: ["Store", "WorkingDays", "Rosters", "DemoData", "Draw", "Regulation", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        .testTarget(name: "RostersTests", dependencies: ["Rosters", "DemoData"], swiftSettings: strict),
        .testTarget(name: "RegulationTests", dependencies: ["Regulation"], swiftSettings: strict),
        .testTarget(name: "DrawTests", dependencies: ["Draw"], exclude: ["Vectors", "Independent"], swiftSettings: strict),
        .testTarget(name: "ImportTests", dependencies: ["Import", "WorkingDays", "Rosters", "Publication"], swiftSettings: strict),
        .testTarget(name: "SpotcheckCLITests", dependencies: ["spotcheck"], swiftSettings: strict),
    ]
)
