/// The one rule for identifiers typed by people and carried through files and draws: credit
/// codes, certificate numbers, jurisdiction codes, public-source names. Printable ASCII without
/// whitespace, so that an id reads the same in a spreadsheet, a URL, a manifest and a hash input.
public enum Identifier {
    /// Whether `text` is a non-empty run of printable ASCII (0x21–0x7E). Inlinable: it runs for
    /// every row of a roster and every entry of a manifest, from other modules.
    @inlinable
    public static func isPlain(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 > 32 && $0 < 127 }
    }

    /// What to say when ``isPlain(_:)`` fails.
    public static let rule = "printable ASCII without spaces"
}
