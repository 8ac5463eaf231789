/// The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from a
/// 31-character alphabet, the last a check character over the first 17.
public enum CreditCode {
    /// The code alphabet: digits and capitals without I, O, S, V, Z.
    public static let alphabet: [Character] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    /// Weights of positions 1…17 (3^(i-1) mod 31).
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// What is wrong with a code, if anything.
    public enum Problem: Hashable, Sendable {
        case length(Int)
        case character(Character, position: Int)
        case checkCharacter(found: Character, expected: Character)
    }

    /// The check character the first 17 characters call for; `nil` if one is outside the alphabet.
    public static func checkCharacter(for first17: some StringProtocol) -> Character? {
        let characters = Array(first17)
        guard characters.count == 17 else { return nil }
        var sum = 0
        for (index, character) in characters.enumerated() {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            sum += value * weights[index]
        }
        return alphabet[(31 - sum % 31) % 31]
    }

    /// Each ASCII byte's value in the alphabet, or -1.
    static let valueOfByte: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (value, character) in alphabet.enumerated() { table[Int(character.asciiValue!)] = Int8(value) }
        return table
    }()

    /// Validates a whole code. Works on the UTF-8 bytes: imports check 100,000 codes at a time.
    public static func problem(in code: String) -> Problem? {
        var sum = 0
        var count = 0
        var last: Int8 = -1
        for byte in code.utf8 {
            let value = valueOfByte[Int(byte)]
            guard value >= 0, count < 18 else { break }
            if count < 17 { sum += Int(value) * weights[count] } else { last = value }
            count += 1
        }
        if count < 18 || code.utf8.count != 18 {
            // Slow path for the message: count characters, find the first outside the alphabet.
            let characters = Array(code)
            guard characters.count == 18 else { return .length(characters.count) }
            for (index, character) in characters.enumerated() where !alphabet.contains(character) {
                return .character(character, position: index + 1)
            }
        }
        let expected = (31 - sum % 31) % 31
        return Int(last) == expected ? nil : .checkCharacter(found: alphabet[Int(last)], expected: alphabet[expected])
    }

    /// Completes 17 characters with their check character.
    public static func complete(_ first17: String) -> String? {
        checkCharacter(for: first17).map { first17 + String($0) }
    }
}
