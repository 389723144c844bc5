// swift-tools-version:5.9
// The Swift package the iOS app depends on: the Rust core as an XCFramework (ScanpassFFI: the
// static library, its C header and module map) and the uniffi-generated Swift API over it
// (Scanpass). Both are build output of scripts/build-ios, not committed: run it before opening
// the app in Xcode.
import PackageDescription

let package = Package(
    name: "Scanpass",
    platforms: [.iOS(.v16)],
    products: [
        .library(name: "Scanpass", targets: ["Scanpass"]),
    ],
    targets: [
        // module ScanpassFFI (uniffi.toml: ffi_module_name), imported by the generated Swift
        .binaryTarget(name: "ScanpassFFI", path: "ScanpassFFI.xcframework"),
        // uniffi.toml: module_name = "Scanpass"; the file is Sources/Scanpass/Scanpass.swift
        .target(
            name: "Scanpass",
            dependencies: ["ScanpassFFI"],
            path: "Sources/Scanpass"
        ),
    ]
)
