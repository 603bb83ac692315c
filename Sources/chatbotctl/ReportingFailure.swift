import ArgumentParser
import ChatbotCrypto
import ChatbotService
import Foundation

/// Runs `body`; on a ``CryptoError`` prints which step failed, why, and the errcode the platform
/// would answer, then exits with status 1.
func reportingFailure<R>(_ step: String, _ body: () throws(CryptoError) -> R) throws -> R {
    do throws(CryptoError) {
        return try body()
    } catch {
        let failure = PlatformFailure(error)
        FileHandle.standardError.write(
            Data("chatbotctl: \(step) failed: \(error.code): \(error.message) (errcode \(failure.errcode))\n".utf8)
        )
        throw ExitCode.failure
    }
}
