/// The dense ids of the vocabulary's 64-bit codes (terms and symbols): open addressing with
/// linear probing and Fibonacci hashing.
///
/// A `Dictionary` hashes every key with seeded SipHash; a query looks up some sixty codes, and
/// that hashing was a tenth of a match. Codes are never removed from the vocabulary, so the table
/// only grows, and it stays at most half full.
struct CodeTable: Sendable {
    private var codes: [UInt64] = []
    /// The id in each slot; `.max` marks an empty one.
    private var ids: [UInt32] = []
    /// 64 − log2(slot count): the hash is the top bits of the code times 2^64/φ.
    private var shift: UInt64 = 64
    /// The number of codes.
    private(set) var count = 0

    init() {}

    /// The id of `code`, or nil if the table does not have it.
    subscript(code: UInt64) -> UInt32? {
        guard count > 0 else { return nil }
        let mask = ids.count - 1
        var slot = Self.slot(of: code, shift: shift)
        while true {
            let id = ids[slot]
            if id == .max { return nil }
            if codes[slot] == code { return id }
            slot = (slot + 1) & mask
        }
    }

    /// Adds `code` with `id`; the table must not have `code` yet.
    mutating func insert(_ code: UInt64, id: UInt32) {
        precondition(id != .max, "id out of range")
        if 2 * (count + 1) > ids.count { grow() }
        place(code, id: id)
        count += 1
    }

    private mutating func place(_ code: UInt64, id: UInt32) {
        let mask = ids.count - 1
        var slot = Self.slot(of: code, shift: shift)
        while ids[slot] != .max { slot = (slot + 1) & mask }
        codes[slot] = code
        ids[slot] = id
    }

    private mutating func grow() {
        let oldCodes = codes
        let oldIDs = ids
        let slots = max(16, 2 * ids.count)
        codes = [UInt64](repeating: 0, count: slots)
        ids = [UInt32](repeating: .max, count: slots)
        shift = UInt64(64 - slots.trailingZeroBitCount)
        for (code, id) in zip(oldCodes, oldIDs) where id != .max { place(code, id: id) }
    }

    private static func slot(of code: UInt64, shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (code &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }
}
