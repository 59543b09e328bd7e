// swift-tools-version:6.2
import PackageDescription

/// Strict settings shared by every target: Swift 6 mode plus the upcoming features that keep
/// imports honest and existentials explicit (see ../shared/STYLE.md, habit 2).
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
    .unsafeFlags(["-require-explicit-sendable"]),
]

let package = Package(
    name: "pals",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "pals", targets: ["pals"])
    ],
    dependencies: [
        // The command-line tree of `pals`.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // The case register: SQLite with WAL, migrations and typed records.
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // The workspace configuration file (pals.yaml), parsed to a node tree so every bad key can be named.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // Structured logging with the case reference as metadata.
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // The daemon: a group of services with graceful shutdown on SIGTERM and SIGINT.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // The web: the HTTP server and its router (`pals serve`), without swift-configuration (traits: []).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        // Bcrypt for the web app's local accounts.
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        // What the web target names of Hummingbird's own dependencies: header names, byte buffers.
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // Direct TLS for `pals serve` when `http.tls` names a certificate and key (BoringSSL, no system OpenSSL).
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // MARK: C interop
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(name: "CCurlShim", dependencies: ["CCurl"]),
        .systemLibrary(
            name: "CPangoCairo",
            pkgConfig: "pangocairo",
            providers: [.apt(["libpango1.0-dev", "libcairo2-dev"])]
        ),

        // MARK: Libraries
        // The bottom target under every library: civil date, clock, stable hash, escaping, private files, the
        // UK time zone and the one error shape, so nothing is copied.
        .target(name: "Primitives"),
        .target(
            name: "WorkingDays",
            dependencies: ["Primitives"],
            // Compiled into the program (PackageResources.bank_holidays_json): pals installs as one file.
            resources: [.embedInCode("Resources/bank-holidays.json")]
        ),
        .target(
            name: "Casework",
            dependencies: [
                "Primitives", "WorkingDays",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "Letters",
            dependencies: ["Primitives", "Casework", "CPangoCairo"]
        ),
        // Charts and report documents (tagged PDF through cairo, HTML with inline SVG); no case knowledge.
        .target(name: "Reports", dependencies: ["Primitives", "CPangoCairo"]),
        .target(
            name: "Mail",
            dependencies: ["Primitives", "CCurlShim", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "Outbox",
            dependencies: ["Primitives", "Mail", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "Engine",
            dependencies: [
                "Primitives", "WorkingDays", "Casework", "Letters", "Mail", "Outbox", "Reports",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "Web",
            dependencies: [
                "Engine", "Primitives", "Casework", "WorkingDays", "Letters", "Outbox",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // The OpenAPI document of /api/v1, served as it is checked in.
            resources: [.embedInCode("Resources/openapi.json")]
        ),
        .executableTarget(
            name: "pals",
            dependencies: [
                "Web",
                "Engine", "Primitives", "Casework", "WorkingDays", "Letters", "Mail", "Outbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // A tool that queues and sends test messages, killed at random by the outbox crash test.
        .executableTarget(name: "OutboxStress", dependencies: ["Outbox", "Mail", "Primitives"]),

        // MARK: Benchmarks (run by `make bench`, never by `make test`)
        .executableTarget(
            name: "deadline-bench", dependencies: ["Primitives", "Casework", "WorkingDays"],
            path: "Benchmarks/DeadlineBench"),
        .executableTarget(
            name: "pals-bench",
            dependencies: ["Engine", "Primitives", "Casework", "WorkingDays", "Letters", "Mail", "Outbox"],
            path: "Benchmarks/PalsBench"),

        // MARK: Tests
        .target(
            name: "PalsTestKit",
            dependencies: [
                "Engine", "Casework", "Mail", "Outbox", "Primitives", "WorkingDays",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/PalsTestKit"),
        .testTarget(name: "PrimitivesTests", dependencies: ["Primitives", "PalsTestKit"]),
        .testTarget(name: "WorkingDaysTests", dependencies: ["WorkingDays", "Primitives"]),
        .testTarget(name: "CaseworkTests", dependencies: ["Casework", "Primitives", "Mail", "PalsTestKit"]),
        .testTarget(
            name: "LettersTests", dependencies: ["Letters", "Primitives", "PalsTestKit"],
            resources: [.copy("Snapshots")]),
        .testTarget(
            name: "MailTests",
            dependencies: [
                "Mail", "Primitives", "PalsTestKit", .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            // Received-mail corpus and its Python oracle, read from the source tree by the tests.
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Primitives", "PalsTestKit"]),
        .testTarget(name: "OutboxTests", dependencies: ["Outbox", "Primitives", "Mail", "PalsTestKit"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "Primitives", "Casework", "PalsTestKit"]),
        .testTarget(name: "PalsEndToEndTests", dependencies: ["Engine", "PalsTestKit", "pals"]),
        .testTarget(
            name: "WebTests",
            dependencies: ["Web", "Engine", "Casework", "Letters", "Primitives", "PalsTestKit", "pals"],
            // The schemathesis and OpenAPI validator scripts, run from the source tree.
            exclude: ["Scripts"]),
    ]
)

for target in package.targets where target.type != .system && !["CCurlShim"].contains(target.name) {
    target.swiftSettings = (target.swiftSettings ?? []) + strictSettings
}
