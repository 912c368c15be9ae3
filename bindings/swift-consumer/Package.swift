// swift-tools-version:5.9
//
// A separate package that depends on the otpcore Swift package (bindings/swift) the way
// an app's package does, by a package dependency and its `Otpcore` product, and tests it
// (scripts/test-swift.sh runs `swift test` here after the package's own suite).
//
// A local path dependency: bindings/swift links the Rust library with unsafe linker
// flags, which SwiftPM accepts only from root and local packages, not from a package
// fetched by URL. Apps on Apple platforms use an XCFramework instead (bindings/README.md).

import PackageDescription

let package = Package(
    name: "OtpcoreConsumer",
    dependencies: [
        .package(name: "Otpcore", path: "../swift"),
    ],
    targets: [
        .testTarget(
            name: "ConsumerTests",
            dependencies: [.product(name: "Otpcore", package: "Otpcore")],
            path: "Tests/ConsumerTests"
        ),
    ]
)
