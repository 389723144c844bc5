// swift-tools-version:6.0
// The Swift side of the iOS app, as one package (Swift 6 language mode):
//   Scanpass      the uniffi-generated Swift API (Sources/Scanpass/Scanpass.swift, build output of
//                 scripts/bindgen) and its hand-written LocalizedError conformance
//   ScanpassFFI   the Rust core: on iOS the XCFramework made by scripts/build-ios (macOS only);
//                 on Linux the C header and module map beside the host-built libscanpass_ffi.so
//                 (tests/ios/run), so ScanpassKit builds and is tested here against the real core
//   ScanpassKit   the stores over the core's screen models, the Keychain key store, import
//                 sources and platform formatting: everything of the app but its SwiftUI views
// The SwiftUI app itself (App/, project.yml) depends on ScanpassKit and needs Apple's SDK.
import PackageDescription

#if os(Linux)
// the host build of the core, linked by name (tests/ios/run passes -L and an rpath)
let ffi: Target = .systemLibrary(name: "ScanpassFFI", path: "Sources/ScanpassFFI")
let linkCore: [LinkerSetting] = [.linkedLibrary("scanpass_ffi")]
// Observation's Linux build (Debian swiftlang 6.0.3) leaves one symbol, reached only on a fatal
// error, undefined (docs: /work/shared/bindings-recipes.md); Apple's platforms do not need this.
let observationLink: [LinkerSetting] = [.unsafeFlags(["-Xlinker", "--allow-shlib-undefined"])]
#else
let ffi: Target = .binaryTarget(name: "ScanpassFFI", path: "ScanpassFFI.xcframework")
let linkCore: [LinkerSetting] = []
let observationLink: [LinkerSetting] = []
#endif

let package = Package(
    name: "Scanpass",
    // @Observable needs iOS 17
    platforms: [.iOS(.v17)],
    products: [
        .library(name: "Scanpass", targets: ["Scanpass"]),
        .library(name: "ScanpassKit", targets: ["ScanpassKit"]),
    ],
    targets: [
        // module ScanpassFFI (uniffi.toml: ffi_module_name), imported by the generated Swift
        ffi,
        // uniffi.toml: module_name = "Scanpass"; the file is Sources/Scanpass/Scanpass.swift
        .target(
            name: "Scanpass",
            dependencies: ["ScanpassFFI"],
            path: "Sources/Scanpass",
            linkerSettings: linkCore
        ),
        .target(
            name: "ScanpassKit",
            dependencies: ["Scanpass"],
            path: "Sources/ScanpassKit",
            linkerSettings: observationLink
        ),
        .testTarget(
            name: "ScanpassKitTests",
            dependencies: ["ScanpassKit", "Scanpass"],
            path: "Tests/ScanpassKitTests",
            linkerSettings: observationLink
        ),
    ]
)
