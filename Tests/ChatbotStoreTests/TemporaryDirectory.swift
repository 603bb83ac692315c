import Foundation

/// Runs `body` with a fresh folder under the system's temporary directory, and removes the folder
/// afterwards.
///
/// - Parameter body: Gets the folder's path, without a trailing slash.
func withTemporaryDirectory<R>(_ body: (String) async throws -> R) async throws -> R {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("chatbot-store-tests-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}
