/// A generated message that hands its fields, one by one, to a ``ProtoFieldVisitor``: each
/// field's proto name and value, in field-number order, default values included.
///
/// `Generated/*+ProtoFields.swift` conforms every message whose fields the visitor can take (no
/// oneofs, maps or bytes; repeated fields of strings or messages only). A writer of another shape
/// (the platform's JSON answers) visits a message instead of listing its fields again, so the
/// proto file stays the one list of them.
package protocol ProtoFields {
    func visitFields(_ visitor: inout some ProtoFieldVisitor)
}

/// Receives the fields of a ``ProtoFields`` message. Narrower integers come widened (`int32` as
/// `Int64`, `uint32` as `UInt64`), `float` as `Double`.
package protocol ProtoFieldVisitor {
    mutating func visit(_ name: String, int64 value: Int64)
    mutating func visit(_ name: String, uint64 value: UInt64)
    mutating func visit(_ name: String, double value: Double)
    mutating func visit(_ name: String, bool value: Bool)
    mutating func visit(_ name: String, string value: String)
    mutating func visit<Enum: RawRepresentable<Int32>>(_ name: String, enum value: Enum)
    mutating func visit(_ name: String, strings value: [String])
    mutating func visit<Message: ProtoFields>(_ name: String, message value: Message?)
    mutating func visit<Message: ProtoFields>(_ name: String, messages value: [Message])
}
