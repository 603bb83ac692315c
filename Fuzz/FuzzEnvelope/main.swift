/// libFuzzer target: the WXBizMsgCrypt envelope (``EnvelopeCipher``).
///
/// The first byte picks the mode: the rest as an envelope to decrypt (XML or base64); as a message
/// to encrypt, which must decrypt to the same bytes; or as a plaintext block (padded with zeros to
/// whole AES blocks) encrypted as it is, so that decryption's padding, length and appid checks see
/// arbitrary plaintext.
internal import CChatbotFuzz
internal import ChatbotCrypto
internal import Glibc

/// The key and appid of the test vectors.
private let cipher = try! EnvelopeCipher(
    encodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    appID: "wx1234567890abcdef"
)

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let rest = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    switch data[0] % 3 {
    case 0:
        _ = try? cipher.decrypt(String(decoding: rest, as: UTF8.self))
    case 1:
        let encrypted: String
        do {
            encrypted = try cipher.encrypt(bytes: rest)
        } catch {
            fatalError("encrypting \(rest.count) bytes failed: \(error)")
        }
        let decrypted: [UInt8]
        do {
            decrypted = try cipher.decrypt(encrypted)
        } catch {
            fatalError("an envelope we encrypted does not decrypt: \(error)")
        }
        precondition(decrypted.elementsEqual(rest), "envelope round trip changed the message")
    default:
        var plaintext = Array(rest)
        plaintext += [UInt8](repeating: 0, count: (16 - plaintext.count % 16) % 16)
        guard !plaintext.isEmpty else { return 0 }
        guard let encrypted = try? cipher._testOnly_encryptRaw(plaintext: plaintext) else { return 0 }
        _ = try? cipher.decrypt(encrypted)
    }
    return 0
}

// Last: globals above are initialised as top-level code runs, so libFuzzer starts after them.
exit(cchatbot_fuzz_run(CommandLine.argc, CommandLine.unsafeArgv, fuzz))
