import Foundation
import ReferenceData
import Testing

/// The data compiled into the binary is exactly what `config/` ships.
@Suite struct BuiltInDataTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func builtInFilesAreByteEqualToConfig() throws {
        #expect(!BuiltIn.files.isEmpty)
        for file in BuiltIn.files {
            let onDisk = try Data(contentsOf: Self.root.appendingPathComponent(file.path))
            #expect(Data(file.text.utf8) == onDisk, "\(file.path) differs from config/: run scripts/embed-reference-data")
        }
    }

    @Test func everyShippedFileIsBuiltIn() throws {
        let calendar = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("config/calendar").path)
            .filter { $0.hasSuffix(".yaml") }.map { "config/calendar/\($0)" }
        #expect(Set(BuiltIn.calendarFiles.map(\.path)) == Set(calendar))
        #expect(BuiltIn.jurisdictionFile?.path == "config/jurisdictions/640000-ningxia.csv")
    }
}
