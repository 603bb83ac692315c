import ChatbotCrypto
import Foundation
import Testing

@Suite struct Base64Tests {
    @Test(arguments: 0..<70)
    func roundTripsAndMatchesFoundation(length: Int) throws {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let standard = Base64.encode(bytes, alphabet: .standard)
        #expect(standard == Data(bytes).base64EncodedString())
        #expect(try Base64.decode(standard, alphabet: .standard) == bytes)

        let url = Base64.encode(bytes, alphabet: .url)
        let expectedURL = standard.replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        #expect(url == expectedURL)
        #expect(try Base64.decode(url, alphabet: .url) == bytes)
        // A padded base64url input is accepted too.
        #expect(
            try Base64.decode(
                standard.replacingOccurrences(of: "+", with: "-")
                    .replacingOccurrences(of: "/", with: "_"),
                alphabet: .url
            ) == bytes
        )
    }

    @Test func ignoresNonZeroTrailingBitsLikeThePlatformSampleKeyNeeds() throws {
        // The platform's sample EncodingAESKey ends in 'G', whose low bits are not zero.
        let key = try Base64.decode("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG=")
        #expect(key == [UInt8](hex: "69b71d79f8218a39259a7a29aabb2dbafc31cb3d35db7e39ebbf3d0010831051"))
    }

    @Test(arguments: [
        ("YW*j", "invalid base64 character at offset 2"),
        ("YWJj=", "base64 padding does not match the length (5)"),
        ("YQ", "base64 input is missing its '=' padding (length 2)"),
        ("Y", "base64 input has an impossible length (1)"),
        ("YW=j", "invalid base64 character at offset 2"),
        ("YW-j", "invalid base64 character at offset 2"),
        ("YWJj\n", "invalid base64 character at offset 4"),
    ])
    func rejectsBadStandardBase64(input: String, message: String) {
        #expect(throws: CryptoError(.badBase64, message)) { try Base64.decode(input, alphabet: .standard) }
    }

    @Test func urlAlphabetRejectsStandardOnlyCharacters() {
        #expect(throws: CryptoError(.badBase64, "invalid base64 character at offset 1")) {
            try Base64.decode("a+b/", alphabet: .url)
        }
    }
}
