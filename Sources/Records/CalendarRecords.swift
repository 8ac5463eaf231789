public import WorkingDays

/// One loaded calendar layer file, as stored: the parsed layer and the exact text it came from.
public struct CalendarLayerVersion: Codable, Sendable, Hashable {
    public var id: Int64
    public var region: String
    public var year: Int
    /// The layer, kept as a JSON column.
    public var layer: CalendarLayer
    public var sourceFile: String
    public var sourceSHA256: String
    public var sourceText: String
    public var loadedAt: String
    public var loadedBy: String
    public var auditSeq: Int64

    public init(id: Int64, region: String, year: Int, layer: CalendarLayer, sourceFile: String, sourceSHA256: String,
                sourceText: String, loadedAt: String, loadedBy: String, auditSeq: Int64) {
        self.id = id
        self.region = region
        self.year = year
        self.layer = layer
        self.sourceFile = sourceFile
        self.sourceSHA256 = sourceSHA256
        self.sourceText = sourceText
        self.loadedAt = loadedAt
        self.loadedBy = loadedBy
        self.auditSeq = auditSeq
    }

    enum CodingKeys: String, CodingKey {
        case id, region, year
        case layer = "layer_json"
        case sourceFile = "source_file"
        case sourceSHA256 = "source_sha256"
        case sourceText = "source_text"
        case loadedAt = "loaded_at"
        case loadedBy = "loaded_by"
        case auditSeq = "audit_seq"
    }
}

/// A calendar file to load: its parsed layer, the exact text it came from, and its fingerprint.
public struct CalendarLayerFile: Sendable, Hashable {
    public var layer: CalendarLayer
    public var text: String
    /// The path as the user gave it.
    public var file: String
    /// SHA-256 of `text`.
    public var sha256: String

    public init(layer: CalendarLayer, text: String, file: String, sha256: String) {
        self.layer = layer
        self.text = text
        self.file = file
        self.sha256 = sha256
    }
}
