/// libFuzzer target: ``GRPCFraming/Decoder`` fed the input in arbitrary chunks.
///
/// The first byte picks the message size limit, the second seeds the chunk sizes; the rest is
/// the stream. The decoder must give the same messages, the same error and the same leftover as
/// a one-shot reading of the whole stream, however the bytes are split.
internal import CChatbotFuzz
internal import ChatbotRPC
internal import Glibc
internal import NIOCore

private enum Outcome: Equatable {
    case messages([[UInt8]], leftover: Int)
    case failed([[UInt8]], code: RPCError.Code)
}

/// The whole stream at once, by the gRPC spec.
private func reference(_ stream: UnsafeRawBufferPointer, maxMessageSize: Int) -> Outcome {
    var messages: [[UInt8]] = []
    var offset = 0
    while stream.count - offset >= 5 {
        let flag = stream[offset]
        let length =
            Int(stream[offset + 1]) << 24 | Int(stream[offset + 2]) << 16 | Int(stream[offset + 3]) << 8
            | Int(stream[offset + 4])
        if flag != 0 { return .failed(messages, code: .internalError) }
        if length > maxMessageSize { return .failed(messages, code: .resourceExhausted) }
        guard stream.count - offset - 5 >= length else { break }
        messages.append(Array(stream[(offset + 5)..<(offset + 5 + length)]))
        offset += 5 + length
    }
    return .messages(messages, leftover: stream.count - offset)
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let limits = [0, 1, 5, 16, 100, 1 << 10, 4 << 20]
    let maxMessageSize = limits[Int(data[0]) % limits.count]
    var seed = UInt32(data[1]) &* 2_654_435_761 | 1
    let stream = UnsafeRawBufferPointer(start: data + 2, count: size - 2)

    var decoder = GRPCFraming.Decoder(maxMessageSize: maxMessageSize)
    var messages: [[UInt8]] = []
    var offset = 0
    var outcome: Outcome?
    while outcome == nil {
        // Chunks of 0 to 15 bytes, or (one in eight) everything left.
        seed = seed &* 1_103_515_245 &+ 12_345
        let pick = Int(seed >> 16)
        let chunk = pick & 7 == 0 ? stream.count - offset : min((pick >> 3) & 15, stream.count - offset)
        decoder.append(UnsafeRawBufferPointer(rebasing: stream[offset..<(offset + chunk)]))
        offset += chunk
        do {
            while let message = try decoder.next() {
                messages.append(message.withUnsafeReadableBytes { Array($0) })
            }
        } catch {
            outcome = .failed(messages, code: error.code)
            break
        }
        if offset == stream.count { outcome = .messages(messages, leftover: decoder.bufferedBytes) }
    }
    let expected = reference(stream, maxMessageSize: maxMessageSize)
    precondition(outcome == expected, "chunked decoding gave \(outcome!), the whole stream \(expected)")
    return 0
}

// Last: globals above are initialised as top-level code runs, so libFuzzer starts after them.
exit(cchatbot_fuzz_run(CommandLine.argc, CommandLine.unsafeArgv, fuzz))
