import ChatbotCrypto
import Foundation

/// Writes `value` and a newline to stdout with one unbuffered write.
///
/// Commands that report a write print this line once the write is committed: nothing waits in a
/// buffer for a clean exit, so a caller that read the line may rely on the write.
func writeLine(_ value: JSONValue) {
    FileHandle.standardOutput.write(Data(value.serialized + [UInt8(ascii: "\n")]))
}

/// JSON Lines to stdout, written in chunks of about ``chunkSize`` bytes rather than a write per
/// line; for long listings. Call ``flush()`` at the end.
struct JSONLinesOutput {
    static let chunkSize = 1 << 20
    private var buffer: [UInt8] = []

    /// Adds `value` and a newline, and writes the buffer when it is full.
    mutating func append(_ value: JSONValue) {
        buffer.append(contentsOf: value.serialized)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= Self.chunkSize { flush() }
    }

    /// Writes what is buffered.
    mutating func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
