// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "chatbotd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "chatbotctl", targets: ["chatbotctl"]),
        .executable(name: "chatbot-bench", targets: ["chatbot-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2")
    ],
    targets: [
        // System libraries. Each is imported by exactly one wrapper module.
        .systemLibrary(
            name: "CNGHTTP2",
            pkgConfig: "libnghttp2",
            providers: [.apt(["libnghttp2-dev"])]
        ),
        .systemLibrary(
            name: "CProtobufC",
            pkgConfig: "libprotobuf-c",
            providers: [.apt(["libprotobuf-c-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // Static-inline shims for what Swift cannot import, one explicit submodule per library.
        .target(name: "CChatbotShims", dependencies: ["CSQLite"]),

        .target(
            name: "ChatbotCrypto",
            dependencies: ["COpenSSL"]
        ),
        .target(name: "ChatbotEngine"),
        .target(
            name: "ChatbotService",
            dependencies: ["ChatbotCrypto", "ChatbotEngine"]
        ),
        .executableTarget(
            name: "chatbotctl",
            dependencies: [
                "ChatbotCrypto",
                "ChatbotService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Benchmarks: a C reference loop over OpenSSL next to the Swift code, in one process.
        .target(
            name: "CChatbotBenchRef",
            dependencies: ["COpenSSL"],
            path: "bench/crypto/CChatbotBenchRef"
        ),
        .executableTarget(
            name: "chatbot-bench",
            dependencies: ["ChatbotCrypto", "CChatbotBenchRef"],
            path: "bench/crypto/chatbot-bench"
        ),

        .testTarget(
            name: "ChatbotCryptoTests",
            dependencies: ["ChatbotCrypto"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "ChatbotServiceTests",
            dependencies: ["ChatbotService", "ChatbotCrypto", "ChatbotEngine"]
        ),
    ]
)

// Shared Swift settings for every Swift target: Swift 6 mode plus the upcoming features we hold to.
for target in package.targets {
    switch target.type {
    case .regular, .test, .executable:
        var settings = target.swiftSettings ?? []
        settings.append(.enableUpcomingFeature("ExistentialAny"))
        settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
        settings.append(.enableUpcomingFeature("MemberImportVisibility"))
        target.swiftSettings = settings
    case .macro, .plugin, .system, .binary:
        ()
    @unknown default:
        ()
    }
}
