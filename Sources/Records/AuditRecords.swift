/// One entry of the hash-chained audit log: every state change appends one, in the same
/// transaction as the change.
public struct AuditEntry: Codable, Sendable, Hashable {
    public var seq: Int64
    /// UTC instant, ISO-8601 with milliseconds.
    public var at: String
    public var actor: String
    /// What was done.
    public var action: AuditAction
    /// What the action is about, e.g. `calendar/ningxia/2027`, `round/640000-2026-lawyer-R1`.
    public var subject: String
    /// JSON object with sorted keys: the action's typed details.
    public var details: String
    public var prevHash: String
    public var hash: String

    public init(seq: Int64, at: String, actor: String, action: AuditAction, subject: String, details: String, prevHash: String, hash: String) {
        self.seq = seq
        self.at = at
        self.actor = actor
        self.action = action
        self.subject = subject
        self.details = details
        self.prevHash = prevHash
        self.hash = hash
    }

    enum CodingKeys: String, CodingKey {
        case seq, at, actor, action, subject, details
        case prevHash = "prev_hash"
        case hash
    }
}

/// The kinds of change the audit log records. Stored as their dotted names.
public enum AuditAction: String, Codable, Sendable, CaseIterable {
    case calendarLoad = "calendar.load"
    case jurisdictionsLoad = "jurisdictions.load"
    case rosterImport = "roster.import"
    case planCreate = "plan.create"
    case roundProposed = "round.proposed"
    case roundApproved = "round.approved"
    case roundAnnounced = "round.announced"
    case roundDrawn = "round.drawn"
    case roundSubstitute = "round.substitute"
    case roundEnded = "round.ended"
    case roundReported = "round.reported"
    case roundReviewed = "round.reviewed"
    case roundPublished = "round.published"
    case roundFiled = "round.filed"
    case inspectionRecord = "inspection.record"
    case inspectionFeedback = "inspection.feedback"
    case deadlinesRederive = "deadlines.rederive"
    case findingAdd = "finding.add"
    case findingRectify = "finding.rectify"
    case findingClose = "finding.close"
    case alertsEvaluate = "alerts.evaluate"
    /// Ops re-queued outbox rows (`spotcheck outbox retry`).
    case outboxRetry = "outbox.retry"
    /// Delivered outbox rows past the configured time were pruned (the counts kept here).
    case outboxPrune = "outbox.prune"
    /// The leadership summary of a schedule slot was made and queued.
    case summarySent = "summary.sent"
}

/// The outcome of walking the audit chain.
public struct AuditVerification: Sendable, Equatable {
    /// Entries checked.
    public var checked: Int
    /// The first entry whose hash or link does not match, with what is wrong; `nil` when intact.
    public var firstBroken: Broken?

    /// Where the chain breaks.
    public struct Broken: Sendable, Equatable {
        public var seq: Int64
        public var problem: String
        public init(seq: Int64, problem: String) {
            self.seq = seq
            self.problem = problem
        }
    }

    public init(checked: Int, firstBroken: Broken?) {
        self.checked = checked
        self.firstBroken = firstBroken
    }
}
