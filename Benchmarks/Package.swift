// swift-tools-version:6.1
import Foundation
import PackageDescription

/// The benchmarks package: built on its own, never by the tests (`swift test` at the root ignores it).
///
/// It depends on the portal package by path. SwiftPM names a path dependency after its folder, which
/// differs between checkouts (`main`, a worktree, CI's clone), so the name is read off the path here.
let rootPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let portalPackage = rootPath.lastPathComponent

/// The same strict settings as the portal's own targets.
let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "portal-benchmarks",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "echo-server", targets: ["echo-server"]),
        .executable(name: "hummingbird-server", targets: ["hummingbird-server"]),
        .executable(name: "stream-client", targets: ["stream-client"]),
        .executable(name: "storage-bench", targets: ["storage-bench"]),
        .executable(name: "deid-bench", targets: ["deid-bench"]),
    ],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        // The peer server, for comparison only: never a dependency of the product.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        // Our HTTPServer alone, with the benchmark routes.
        .executableTarget(
            name: "echo-server",
            dependencies: [
                .product(name: "HTTPServer", package: portalPackage), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings),
        // Hummingbird 2 with the same routes.
        .executableTarget(
            name: "hummingbird-server",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: strictSettings),
        // A raw-socket client that streams a large upload or download and reports MB/s.
        .executableTarget(name: "stream-client", swiftSettings: strictSettings),
        // Indexed single-row lookups through our Storage pool.
        .executableTarget(
            name: "storage-bench",
            dependencies: [
                .product(name: "Storage", package: portalPackage), .product(name: "EventLoops", package: portalPackage),
            ],
            swiftSettings: strictSettings),
        // Streaming de-identification of a CT series on one core.
        .executableTarget(
            name: "deid-bench",
            dependencies: [.product(name: "DICOM", package: portalPackage)],
            swiftSettings: strictSettings),
    ]
)
