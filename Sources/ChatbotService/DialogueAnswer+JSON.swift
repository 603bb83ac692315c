internal import ChatbotCrypto
internal import ChatbotEngine
internal import ChatbotProto

extension DialogueAnswer {
    /// The platform's aibot response as JSON (DESIGN §3 "aibot response"): the `/openapi/aibot`
    /// body. It is ``ChatbotV1/QueryResponse`` written field by field from the proto's own list
    /// (``PlatformJSONFields``), so the two faces cannot differ: the same names, every field
    /// present, enums as the platform's names (`"answer_type":"text"`, `"status":"FAQ"`), without
    /// `candidates` (gRPC's `explain`).
    package var json: [UInt8] {
        Self.json(ChatbotV1.QueryResponse(self, explain: false), skipping: ["candidates"])
    }

    /// The legacy `/openapi/message` and `/openapi/dictmsg` response: ``ChatbotV1/MessageResponse``
    /// as JSON, as ``json`` is of the aibot response.
    package var legacyJSON: [UInt8] {
        Self.json(ChatbotV1.MessageResponse(self), skipping: [])
    }

    private static func json(_ message: some ProtoFields, skipping: [String]) -> [UInt8] {
        var fields = PlatformJSONFields(skipping: skipping)
        // An aibot answer with one msg[] item and a short answer is about 1.2 KB.
        fields.writer.reserveCapacity(2048)
        fields.writer.beginObject()
        message.visitFields(&fields)
        fields.writer.endObject()
        return fields.writer.bytes
    }
}

/// Writes a proto message's fields as members of a JSON object, in the platform's shapes: enums
/// by their platform names, 64-bit integers as numbers, nested messages as objects, repeated
/// fields as arrays.
struct PlatformJSONFields: ProtoFieldVisitor {
    var writer = JSONWriter(escapingNonASCII: false)
    /// Top-level fields left out; nested messages are written whole.
    private var skipping: [String]

    init(skipping: [String]) {
        self.skipping = skipping
    }

    /// Whether the field `name` is written: a comparison of names only for top-level fields of
    /// a message with some left out.
    private func writes(_ name: String) -> Bool {
        skipping.isEmpty || !skipping.contains(name)
    }

    mutating func visit(_ name: String, int64 value: Int64) {
        if writes(name) { writer.write(member: name, integer: value) }
    }

    mutating func visit(_ name: String, uint64 value: UInt64) {
        if writes(name) { writer.write(member: name, value: .number(String(value))) }
    }

    mutating func visit(_ name: String, double value: Double) {
        if writes(name) { writer.write(member: name, number: value) }
    }

    mutating func visit(_ name: String, bool value: Bool) {
        if writes(name) { writer.write(member: name, bool: value) }
    }

    mutating func visit(_ name: String, string value: String) {
        if writes(name) { writer.write(member: name, string: value) }
    }

    mutating func visit<Enum: RawRepresentable<Int32>>(_ name: String, enum value: Enum) {
        guard writes(name) else { return }
        // A comparison of metatypes, not a dynamic cast.
        if Enum.self == ChatbotV1.AnswerType.self {
            writer.write(member: name, string: ChatbotV1.AnswerType(rawValue: value.rawValue).name)
        } else if Enum.self == ChatbotV1.MatchStatus.self {
            writer.write(member: name, string: ChatbotV1.MatchStatus(rawValue: value.rawValue).name)
        } else {
            writer.write(member: name, integer: Int64(value.rawValue))
        }
    }

    mutating func visit(_ name: String, strings value: [String]) {
        if writes(name) { writer.write(member: name, value: .array(value.map(JSONValue.string))) }
    }

    mutating func visit<Message: ProtoFields>(_ name: String, message value: Message?) {
        guard writes(name) else { return }
        guard let value else {
            writer.write(member: name, value: .null)
            return
        }
        writer.beginObject(member: name)
        nested(value)
        writer.endObject()
    }

    mutating func visit<Message: ProtoFields>(_ name: String, messages value: [Message]) {
        guard writes(name) else { return }
        writer.beginArray(member: name)
        for element in value {
            writer.beginObject()
            nested(element)
            writer.endObject()
        }
        writer.endArray()
    }

    private mutating func nested(_ message: some ProtoFields) {
        let outer = skipping
        skipping = []
        message.visitFields(&self)
        skipping = outer
    }
}
