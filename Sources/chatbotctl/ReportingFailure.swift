import ArgumentParser
import ChatbotCrypto
import ChatbotService
import ChatbotStore
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

/// Prints `chatbotctl: <step> failed: <reason>` to stderr and returns the exit status to throw.
func failure(_ step: String, _ reason: String) -> ExitCode {
    FileHandle.standardError.write(Data("chatbotctl: \(step) failed: \(reason)\n".utf8))
    return ExitCode.failure
}

/// The bytes of `file`, or of stdin for `-`; on failure prints which step failed and why, then
/// exits with status 1.
func readInput(_ file: String, step: String) throws -> Data {
    do {
        return file == "-"
            ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
    } catch {
        throw failure(step, "cannot read \(file): \(error.localizedDescription)")
    }
}

/// Runs `body`; on a ``StoreError`` prints which step failed and why (with SQLite's own message),
/// then exits with status 1.
func reportingStoreFailure<R>(_ step: String, _ body: () throws(StoreError) -> R) throws -> R {
    do throws(StoreError) {
        return try body()
    } catch {
        throw failure(step, "\(error.code): \(error)")
    }
}
