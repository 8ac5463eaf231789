public import Foundation
import Crypto

/// SHA-256 of bytes, lower-case hex: the fingerprint of a manifest, a result, an imported file
/// or a calendar notice, the draw's seed, and each link of the audit chain.
public func sha256Hex(_ data: some DataProtocol) -> String {
    hex(SHA256.hash(data: data))
}

/// The same for `Data`, specialised here: a generic call from another module is not, and a
/// million-institution manifest is about 100 MB.
public func sha256Hex(_ data: Data) -> String {
    hex(SHA256.hash(data: data))
}

func hex(_ digest: SHA256.Digest) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var hex: [UInt8] = []
    hex.reserveCapacity(64)
    for byte in digest {
        hex.append(digits[Int(byte >> 4)])
        hex.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: hex, as: UTF8.self)
}

/// SHA-256 of a string's UTF-8 bytes, lower-case hex.
public func sha256Hex(_ text: String) -> String {
    sha256Hex(Data(text.utf8))
}
