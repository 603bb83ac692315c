import Foundation
import Testing

/// One case of `Fixtures/manifest.json`, written by `scripts/make-proto-fixtures.py` with Python protobuf.
struct ProtoFixture: Decodable, Sendable, CustomTestStringConvertible {
    /// The case name; its bytes are in `Fixtures/<name>.bin`.
    var name: String
    /// The fully qualified message type.
    var type: String
    /// Whether our encoder must reproduce the bytes exactly (Python's deterministic encoding).
    var canonical: Bool
    /// The length of the bytes.
    var size: Int
    /// Why the bytes are not canonical, when they are not.
    var note: String?
    /// The expected value in protobuf text format, for people; the tests use ``ExpectedFixtures``.
    var text: String

    var testDescription: String { name }

    /// The encoded message.
    var bytes: [UInt8] {
        ProtoFixture.load("\(name).bin")
    }

    /// Every case in the manifest.
    static let all: [ProtoFixture] = {
        do {
            return try JSONDecoder().decode([ProtoFixture].self, from: Data(load("manifest.json")))
        } catch {
            fatalError("cannot decode Fixtures/manifest.json: \(error)")
        }
    }()

    /// The serialized `FileDescriptorProto` of each proto file, as Python sees protoc-c's descriptor set.
    static let fileDescriptorProtos: [String: [UInt8]] = {
        do {
            let base64 = try JSONDecoder().decode([String: String].self, from: Data(load("descriptors.json")))
            return base64.mapValues { [UInt8](Data(base64Encoded: $0)!) }
        } catch {
            fatalError("cannot decode Fixtures/descriptors.json: \(error)")
        }
    }()

    /// The bytes of a file in `Fixtures/`.
    static func load(_ file: String) -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/\(file)")
        do {
            // Data(contentsOf:) leaks its 4 KiB read buffer for an empty file (FoundationEssentials in
            // Swift 6.3.1, seen under LeakSanitizer), so empty fixtures are not read at all.
            let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int
            return size == 0 ? [] : [UInt8](try Data(contentsOf: url))
        } catch {
            fatalError("cannot read \(url.path): \(error)")
        }
    }
}
