// swift-tools-version:6.1
import PackageDescription

// Versions are pinned exactly: this machine's package mirror serves only the listed versions.
let package = Package(
    name: "Masker",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "masker", targets: ["masker"]),
        .executable(name: "masker-voice", targets: ["masker-voice"]),
        .library(name: "MaskerCore", targets: ["MaskerCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", exact: "2.8.1"),
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/vapor/multipart-kit", exact: "4.7.1"),
        // Traces over OTLP/HTTP only: the gRPC exporter's packages are not built.
        .package(url: "https://github.com/swift-otel/swift-otel", exact: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/apple/swift-distributed-tracing", exact: "1.7.3"),
    ],
    targets: [
        // Pure domain logic: policy, keys, (later) detection, tokens, synthesis, audit chain.
        // No networking and no storage drivers.
        .target(
            name: "MaskerCore",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // The embedded NER model (Resources/ner/README.md) and synthetic mode's public tables
            // (Resources/synthetic/README.md).
            resources: [.copy("Resources/ner"), .copy("Resources/synthetic")]
        ),
        // Everything that touches disk or a database: data directory, dev keys, (later) vault.
        .target(name: "MaskerStore", dependencies: [
            "MaskerCore", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"), .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"), .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // `masker serve`: the OpenAI-compatible proxy, the REST API, auth, health and metrics.
        .target(name: "MaskerServer", dependencies: [
            "MaskerCore", "MaskerStore", "MaskerVoice",
            .product(name: "MultipartKit", package: "multipart-kit"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "OTel", package: "swift-otel"),
            .product(name: "Tracing", package: "swift-distributed-tracing"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "CryptoExtras", package: "swift-crypto"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ]),
        // Debian's PocketSphinx C library (libpocketsphinx-dev, pocketsphinx-en-us), found with pkg-config.
        .systemLibrary(name: "CPocketSphinx", path: "Sources/CPocketSphinx", pkgConfig: "pocketsphinx",
                       providers: [.apt(["libpocketsphinx-dev", "pocketsphinx-en-us"])]),
        // Recordings: audio, speech recognition (one provider per file), diarization, redacted audio.
        .target(name: "MaskerVoice", dependencies: [
            "MaskerCore", "CPocketSphinx", .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]),
        // The `masker` command tree as a library, so tests can drive it in-process.
        .target(
            name: "MaskerCLI",
            dependencies: [
                "MaskerCore", "MaskerStore", "MaskerServer", "MaskerVoice",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .executableTarget(name: "masker", dependencies: ["MaskerCLI"]),
        // The stack's own floor for the load test (bench/proxy-floor/main.swift); not shipped.
        .executableTarget(
            name: "proxy-floor",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "bench/proxy-floor"
        ),
        .executableTarget(
            name: "masker-voice",
            dependencies: ["MaskerCLI"]
        ),

        // Helpers shared by the test targets (log capture, scratch directories, repository paths).
        .target(
            name: "MaskerTestSupport",
            dependencies: [.product(name: "Logging", package: "swift-log")],
            path: "Tests/Support"
        ),
        .testTarget(name: "MaskerCoreTests", dependencies: ["MaskerCore", "MaskerTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "MaskerStoreTests", dependencies: ["MaskerStore", "MaskerTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                                                        .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "MaskerServerTests", dependencies: [
            "MaskerServer", "MaskerTestSupport",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]),
        .testTarget(name: "MaskerVoiceTests", dependencies: ["MaskerVoice", "MaskerCore"]),
        // Depends on the executables so `swift test` builds the binaries these tests run.
        .testTarget(name: "MaskerCLITests", dependencies: ["MaskerCLI", "MaskerStore", "MaskerTestSupport", "masker", "masker-voice",
                                                        .product(name: "Yams", package: "Yams")]),
    ]
)
