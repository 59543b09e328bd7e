/// The 64-bit FNV-1a hash: the one stable hash of pals, for idempotency keys, MIME boundaries and the version of
/// a holiday data set. Unlike Swift's `Hasher` it is the same in every process and on every machine, so what it
/// names survives a restart. It is not for security: anyone can make two texts with the same hash.
package struct StableHash: Sendable, Hashable {
    /// The hash so far.
    package private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    /// An empty hash (FNV's offset basis).
    package init() {}

    /// The hash of `text`'s UTF-8 bytes.
    package init(_ text: String) {
        self.add(text)
    }

    /// Mixes in `text`'s UTF-8 bytes.
    package mutating func add(_ text: String) {
        for byte in text.utf8 {
            self.value = (self.value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
    }

    /// Marks the end of one piece of a list, so `["ab", "c"]` and `["a", "bc"]` hash apart (the last byte is
    /// flipped, not a byte added: MIME boundaries made before this type existed keep their value).
    package mutating func endPiece() {
        self.value ^= 0xFF
    }

    /// The hash in lower-case hex without leading zeros, as idempotency keys and boundaries carry it.
    package var hex: String { String(self.value, radix: 16) }

    /// Eight hex digits: the two halves of the hash folded together (a holiday data set's version).
    package var short: String {
        let folded = UInt32(truncatingIfNeeded: self.value ^ (self.value >> 32))
        let hex = String(folded, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}
