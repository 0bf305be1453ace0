// swift-tools-version:6.1
import PackageDescription

/// Settings every Swift target of the portal shares (see ../shared/STYLE.md).
let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// For the libraries on the query path: a nonisolated async function runs where its caller runs (SE-0461),
/// so a handler's query pays no executor hop (`swift_task_switch`) per call level. Not for HTTPServer or the
/// test support, whose `withTaskExecutorPreference { … }` blocks must move synchronous code onto a loop or
/// a blocking executor, which a nonisolated(nonsending) closure would not do before its first suspension.
let callerIsolatedSettings = strictSettings + [.enableUpcomingFeature("NonisolatedNonsendingByDefault")]

let package = Package(
    name: "portal",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "portal", targets: ["Portal"]),
        .library(name: "HTTPServer", targets: ["HTTPServer"]),
        .library(name: "DICOM", targets: ["DICOM"]),
        .library(name: "Storage", targets: ["Storage"]),
        .library(name: "Models", targets: ["Models"]),
        .library(name: "EventLoops", targets: ["EventLoops"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // System libraries: a module map and a header each; wrapped by a few Swift files per concern.
        .systemLibrary(
            name: "CPostgres", path: "Sources/CPostgres", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]),
        .systemLibrary(
            name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        // Linux calls Glibc does not export (epoll, eventfd, accept4, syncfs), used by EventLoops, HTTPServer's sockets
        // and Storage's durable batches.
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),

        // epoll event loops that are also Swift task executors: HTTPServer's connections and Storage's
        // PostgreSQL sockets are driven by the same loops, so a query from a handler costs no thread hop.
        .target(name: "EventLoops", dependencies: ["CLinux"], swiftSettings: callerIsolatedSettings),

        // SHA-256 and HMAC-SHA256 over OpenSSL, shared by DICOM (pseudonyms) and Storage (blobs).
        .target(name: "Hashing", dependencies: ["COpenSSL"], swiftSettings: strictSettings),

        // Generic HTTP/1.1 + TLS server: knows nothing of DICOM or PostgreSQL.
        .target(
            name: "HTTPServer",
            dependencies: [
                "COpenSSL", "CLinux", "EventLoops", .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["README.md"],
            swiftSettings: strictSettings),

        // DICOM Part 10 reader/writer and PS3.15 de-identification: bytes in, bytes out.
        .target(
            name: "DICOM", dependencies: ["CZlib", "Hashing"], swiftSettings: strictSettings),

        // Domain types and rules. Imports only Foundation.
        .target(name: "Models", swiftSettings: strictSettings),

        // PostgreSQL through libpq, migrations, embedded cluster, blob store. Knows nothing of HTTP.
        .target(
            name: "Storage",
            dependencies: [
                "CPostgres", "CLinux", "EventLoops", "Hashing", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: callerIsolatedSettings),

        .executableTarget(
            name: "Portal",
            dependencies: [
                "HTTPServer", "DICOM", "Storage", "Models", "Hashing",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings),

        // Fixtures shared by the test targets: private PostgreSQL cluster, raw sockets, temp folders.
        .target(
            name: "TestSupport",
            dependencies: ["Storage", "HTTPServer", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings),

        .testTarget(
            name: "HTTPServerTests", dependencies: ["HTTPServer", "TestSupport"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "DICOMTests", dependencies: ["DICOM", "TestSupport"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "StorageTests", dependencies: ["Storage", "EventLoops", "TestSupport"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "EventLoopsTests", dependencies: ["EventLoops"], swiftSettings: strictSettings),
        .testTarget(
            name: "HashingTests", dependencies: ["Hashing"], swiftSettings: strictSettings),
        .testTarget(
            name: "ModelsTests", dependencies: ["Models"], swiftSettings: strictSettings),
        .testTarget(
            name: "PortalTests", dependencies: ["Portal", "TestSupport"],
            swiftSettings: strictSettings),
    ]
)
