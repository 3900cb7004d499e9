// swift-tools-version:6.1
import PackageDescription

// DESCENT_TARGET_CPU (e.g. `haswell`) compiles the numeric core for that CPU: a fused multiply-add is then one
// instruction instead of a call into the C library per value, which the torch-exact update rules and the
// lockstep lanes use on every step. Results are the same bits either way (every operation is correctly rounded
// and nothing is contracted or reordered); the binary then needs that CPU. Unset: baseline x86-64.
let coreSettings: [SwiftSetting] = Context.environment["DESCENT_TARGET_CPU"].map { [.unsafeFlags(["-target-cpu", $0])] } ?? []

let package = Package(
    name: "Descent",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "descent", targets: ["descent"]),
        .library(name: "DescentCore", targets: ["DescentCore"]),
        .library(name: "DescentHTTP", targets: ["DescentHTTP"]),
        .library(name: "DescentService", targets: ["DescentService"]),
        .library(name: "DescentClient", targets: ["DescentClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(name: "DescentCore", dependencies: ["CLaneMath"], swiftSettings: coreSettings),
        // Four-lane √ and lane tests for the lockstep lanes (static inline C: SSE2 on x86-64), and their fused
        // multiply-add (one FMA3 instruction, chosen at load time when the CPU has it).
        .target(name: "CLaneMath"),
        // The trajectory columns' XOR byte planes, eight values per SSE2 transpose.
        .target(name: "CBytePlanes"),
        // sync_file_range for the SQLite store's chunk files.
        .target(name: "CFileSync"),
        .target(name: "DescentHTTP", dependencies: ["CZlib", "CEpoll", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "DescentService",
            dependencies: [
                "DescentCore", "DescentHTTP", "CLibPQ", "CZstd", "CZlib", "CBytePlanes", "CFileSync",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            // The dashboard's sources; scripts/embed-dashboard.py compiles them in as Swift strings.
            exclude: ["Dashboard/Assets"]
        ),
        .systemLibrary(name: "CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibPQ", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CZstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CEpoll"),
        .systemLibrary(name: "CMalloc"),
        .target(name: "DescentClient", dependencies: ["CCurl"]),
        .executableTarget(
            name: "descent",
            dependencies: [
                "DescentCore", "DescentHTTP", "DescentService", "DescentClient", "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "descent-bench", dependencies: ["DescentCore"], path: "Benchmarks/CoreBench"),
        .executableTarget(name: "descent-batch-bench", dependencies: ["DescentCore"], path: "Benchmarks/BatchCostBench"),
        .executableTarget(
            name: "descent-http-bench",
            dependencies: ["DescentHTTP", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/HTTPBench"),
        .executableTarget(name: "descent-store-bench", dependencies: ["DescentService", "DescentCore"], path: "Benchmarks/StoreBench"),
        .executableTarget(name: "descent-memory-bench", dependencies: ["DescentService", "DescentCore"], path: "Benchmarks/MemoryBench"),
        // CLaneMath: the tests call its fused multiply-add paths directly.
        .testTarget(name: "DescentCoreTests", dependencies: ["DescentCore", "CLaneMath"]),
        .target(name: "DescentTestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "DescentHTTPTests", dependencies: ["DescentHTTP", "DescentTestSupport"]),
        .testTarget(
            name: "DescentServiceTests",
            dependencies: ["DescentService", "DescentCore", "DescentHTTP", "DescentTestSupport", "CBytePlanes", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "IntegrationTests", dependencies: ["DescentTestSupport", "DescentClient", "DescentCore"]),
    ]
)
