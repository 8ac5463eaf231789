import Crypto
import Foundation

/// A ticket: SHA-256 as four big-endian words, so that comparing words compares the lower-case
/// hex strings DRAW.md §3 orders by (equal prefixes of hex ⇔ equal prefixes of bytes).
public struct Ticket: Hashable, Sendable, Comparable {
    public let w0, w1, w2, w3: UInt64

    init(digest: SHA256Digest) {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        digest.withUnsafeBytes { bytes in
            words.0 = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
            words.1 = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            words.2 = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
            words.3 = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        }
        (w0, w1, w2, w3) = words
    }

    /// Larger than every SHA-256.
    public static let max = Ticket(w0: .max, w1: .max, w2: .max, w3: .max)

    init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        (self.w0, self.w1, self.w2, self.w3) = (w0, w1, w2, w3)
    }

    @inlinable
    public static func < (lhs: Ticket, rhs: Ticket) -> Bool {
        if lhs.w0 != rhs.w0 { return lhs.w0 < rhs.w0 }
        if lhs.w1 != rhs.w1 { return lhs.w1 < rhs.w1 }
        if lhs.w2 != rhs.w2 { return lhs.w2 < rhs.w2 }
        return lhs.w3 < rhs.w3
    }

    /// Lower-case hex, as published.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes = [UInt8]()
        bytes.reserveCapacity(64)
        for word in [w0, w1, w2, w3] {
            for shift in stride(from: 60, through: 0, by: -4) { bytes.append(digits[Int((word >> UInt64(shift)) & 0xF)]) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Computes `ticket(domain, id) = SHA-256(seed + "\n" + domain + "\n" + id)` (DRAW.md §3). The
/// seed is 64 hex characters, exactly one SHA-256 block, so it is hashed once and the state
/// after it (the midstate) is copied for every ticket.
public struct TicketHasher: Sendable {
    let midstate: SHA256

    public init(seed: String) {
        var hasher = SHA256()
        hasher.update(data: Data(seed.utf8))
        midstate = hasher
    }

    public func ticket(domain: String, id: String) -> Ticket {
        var tail = [UInt8]()
        tail.reserveCapacity(2 + domain.utf8.count + id.utf8.count)
        tail.append(10)
        tail += domain.utf8
        tail.append(10)
        tail += id.utf8
        return ticket(tail: tail)
    }

    /// The ticket for the bytes after the seed (`"\n" + domain + "\n" + id`).
    @inline(__always)
    public func ticket(tail: UnsafeRawBufferPointer) -> Ticket {
        var hasher = midstate
        hasher.update(bufferPointer: tail)
        return Ticket(digest: hasher.finalize())
    }

    func ticket(tail: [UInt8]) -> Ticket {
        tail.withUnsafeBytes { ticket(tail: $0) }
    }
}
