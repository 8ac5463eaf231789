import Foundation
import Records
import Regulation
import Store
import Synchronization
import Testing
import WorkingDays

/// The durable notification queue in a real SQLite file: written with its transition, claimed
/// and finished under the attempt guard, reset after a crash, retried and pruned with audit entries.
@Suite("outbox")
struct OutboxStoreTests {
    /// A store whose clock the test moves.
    final class Scene: Sendable {
        final class Clock: Sendable {
            let now = Mutex(Date(timeIntervalSince1970: 1_795_000_000))
        }

        let clock = Clock()
        let store: SpotCheckStore

        init() throws {
            let clock = clock
            store = try SpotCheckStore(path: temporaryDatabasePath(), clock: { clock.now.withLock { $0 } })
        }

        func advance(_ seconds: TimeInterval) { clock.now.withLock { $0 = $0.addingTimeInterval(seconds) } }
        var instant: String { Timestamps.format(clock.now.withLock { $0 }) }
    }

    static let day = CivilDate("2026-11-20")!

    static func alert(_ number: Int) -> Alert {
        Alert(kind: .overdue, subject: "deadline/R-\(number)/report", article: 13, round: "R-\(number)", jurisdiction: "640104", category: "lawfirm",
              deadline: CivilDate("2026-11-13")!, overdueWorkdays: 5, detail: "report")
    }

    static func drafts(_ alerts: [Alert], destinations: [String] = ["ops"]) -> [OutboxDraft] {
        alerts.flatMap { alert in
            destinations.map { name in
                OutboxDraft(key: OutboxDraft.key(for: alert, raisedOn: day), kind: .alert(alert.kind), destination: NotificationDestination(channel: .webhook, name: name),
                            payload: .alert(AlertNotice(alert: alert, message: "overdue", raisedOn: day, raisedAt: "2026-11-20T02:00:00.000Z")))
            }
        }
    }

    /// Applies an evaluation raising `alerts`, with their rows.
    static func raise(_ scene: Scene, _ alerts: [Alert], destinations: [String] = ["ops"]) throws {
        let seq = try scene.store.lastAuditSeq()
        try scene.store.applyEvaluation(AlertStateChange(day: day, raised: alerts, cleared: [], notifications: drafts(alerts, destinations: destinations)),
                                        expectedSeq: seq, actor: "spotcheckd")
    }

    @Test("rows are written with the transition, one per destination; the same transition again adds none")
    func enqueuedWithTransition() throws {
        let scene = try Scene()
        try Self.raise(scene, [Self.alert(1), Self.alert(2)], destinations: ["ops", "city"])
        let rows = try scene.store.outboxEntries()
        #expect(rows.count == 4 && rows.allSatisfy { $0.state == .pending && $0.attempts == 0 && $0.nextAttemptAt == scene.instant })
        #expect(Set(rows.map(\.key)) == ["overdue/deadline/R-1/report/2026-11-20", "overdue/deadline/R-2/report/2026-11-20"])
        #expect(try scene.store.alertStates().count == 2, "the alert state in the same transaction")
        // Raised again (cleared and raised the same day): the key is taken, nothing is added.
        let seq = try scene.store.lastAuditSeq()
        try scene.store.applyEvaluation(AlertStateChange(day: Self.day, raised: [], cleared: ["deadline/R-1/report"]), expectedSeq: seq, actor: "spotcheckd")
        try Self.raise(scene, [Self.alert(1)], destinations: ["ops", "city"])
        #expect(try scene.store.outboxEntries().count == 4)
    }

    @Test("a refused evaluation (the CLI wrote meanwhile) enqueues nothing")
    func refusedEvaluationEnqueuesNothing() throws {
        let scene = try Scene()
        let stale = try scene.store.lastAuditSeq()
        try Self.raise(scene, [Self.alert(1)])
        #expect(throws: StoreError.self) {
            try scene.store.applyEvaluation(AlertStateChange(day: Self.day, raised: [Self.alert(2)], cleared: [], notifications: Self.drafts([Self.alert(2)])),
                                            expectedSeq: stale, actor: "spotcheckd")
        }
        #expect(try scene.store.outboxEntries().map(\.key) == ["overdue/deadline/R-1/report/2026-11-20"])
    }

    @Test("claiming takes due rows in order and counts the attempt; a finish is guarded by the attempt claimed")
    func claimAndGuardedFinish() throws {
        let scene = try Scene()
        try Self.raise(scene, (1...3).map(Self.alert))
        let claimed = try scene.store.claimOutbox(limit: 2)
        #expect(claimed.count == 2 && claimed.allSatisfy { $0.state == .delivering && $0.attempts == 1 })
        #expect(try scene.store.claimOutbox(limit: 10).count == 1, "the third, not the two delivering")
        let first = claimed[0], second = claimed[1]
        scene.advance(1)
        let written = try scene.store.finishOutbox([
            DeliveryOutcome(id: first.id, attempt: 1, result: .delivered),
            DeliveryOutcome(id: second.id, attempt: 1, result: .retry(nextAttemptAt: Timestamps.format(Date(timeIntervalSince1970: 1_795_000_060)), error: "HTTP 500")),
        ])
        #expect(written == [first.id, second.id])
        #expect(try scene.store.outboxEntry(id: first.id)?.state == .delivered)
        #expect(try scene.store.outboxEntry(id: first.id)?.deliveredAt == scene.instant)
        let retried = try #require(try scene.store.outboxEntry(id: second.id))
        #expect(retried.state == .pending && retried.lastError == "HTTP 500" && retried.attempts == 1)
        #expect(try scene.store.claimOutbox(limit: 10).isEmpty, "not due before its next attempt")
        scene.advance(60)
        let again = try scene.store.claimOutbox(limit: 10)
        #expect(again.map(\.id) == [second.id] && again[0].attempts == 2)
        // A stale attempt (the first) cannot overwrite the newer one.
        #expect(try scene.store.finishOutbox([DeliveryOutcome(id: second.id, attempt: 1, result: .dead(error: "stale"))]).isEmpty)
        #expect(try scene.store.outboxEntry(id: second.id)?.state == .delivering)
        // A delivered row is never set back by a late outcome.
        #expect(try scene.store.finishOutbox([DeliveryOutcome(id: first.id, attempt: 1, result: .retry(nextAttemptAt: scene.instant, error: "late"))]).isEmpty)
        #expect(try scene.store.outboxEntry(id: first.id)?.state == .delivered)
    }

    @Test("held rows are pending again with the attempt not counted; rows a crash left delivering are reset on start")
    func heldAndReset() throws {
        let scene = try Scene()
        try Self.raise(scene, (1...2).map(Self.alert))
        let claimed = try scene.store.claimOutbox(limit: 10)
        try scene.store.finishOutbox([DeliveryOutcome(id: claimed[0].id, attempt: 1, result: .held(nextAttemptAt: scene.instant, reason: "rate limit"))])
        let held = try #require(try scene.store.outboxEntry(id: claimed[0].id))
        #expect(held.state == .pending && held.attempts == 0 && held.lastError == "rate limit")
        #expect(try scene.store.resetInterruptedDeliveries() == 1, "the other was left delivering")
        let reset = try #require(try scene.store.outboxEntry(id: claimed[1].id))
        #expect(reset.state == .pending && reset.attempts == 1, "same row, same id, the attempt made kept")
        #expect(try scene.store.outboxEntries(state: .delivering).isEmpty)
    }

    @Test("ops' retry re-queues a dead row (or every dead one) from a fresh count, audited; a delivered row is refused")
    func retryAudited() throws {
        let scene = try Scene()
        try Self.raise(scene, (1...3).map(Self.alert))
        let claimed = try scene.store.claimOutbox(limit: 10)
        try scene.store.finishOutbox([
            DeliveryOutcome(id: claimed[0].id, attempt: 1, result: .dead(error: "HTTP 404 (not retried)")),
            DeliveryOutcome(id: claimed[1].id, attempt: 1, result: .dead(error: "HTTP 410 (not retried)")),
            DeliveryOutcome(id: claimed[2].id, attempt: 1, result: .delivered),
        ])
        #expect(throws: StoreError.self) { try scene.store.retryOutbox(id: claimed[2].id, actor: "ops") }
        #expect(throws: StoreError.self) { try scene.store.retryOutbox(id: 999, actor: "ops") }
        #expect(try scene.store.retryOutbox(id: claimed[0].id, actor: "ops") == [claimed[0].id])
        let row = try #require(try scene.store.outboxEntry(id: claimed[0].id))
        #expect(row.state == .pending && row.attempts == 0 && row.lastError == "HTTP 404 (not retried)")
        #expect(try scene.store.retryOutbox(id: nil, actor: "ops") == [claimed[1].id])
        #expect(try scene.store.retryOutbox(id: nil, actor: "ops").isEmpty, "nothing dead is left")
        let entries = try scene.store.auditEntries(subjectPrefix: "outbox/")
        #expect(entries.map(\.action) == [.outboxRetry, .outboxRetry] && entries.map(\.actor) == ["ops", "ops"])
        #expect(try scene.store.verifyAudit().firstBroken == nil)
    }

    @Test("delivered rows older than the cutoff are pruned with one audit entry; ids are never reused")
    func pruneKeepsIdsUnique() throws {
        let scene = try Scene()
        try Self.raise(scene, (1...2).map(Self.alert))
        let claimed = try scene.store.claimOutbox(limit: 10)
        try scene.store.finishOutbox(claimed.map { DeliveryOutcome(id: $0.id, attempt: 1, result: .delivered) })
        #expect(try scene.store.pruneDelivered(before: scene.instant, actor: "spotcheckd") == 0, "delivered at the cutoff is kept")
        scene.advance(31 * 86_400)
        #expect(try scene.store.pruneDelivered(before: Timestamps.format(Date(timeIntervalSince1970: 1_795_000_000 + 30 * 86_400)), actor: "spotcheckd") == 2)
        #expect(try scene.store.outboxEntries().isEmpty)
        #expect(try scene.store.auditEntries(subject: "outbox").map(\.action) == [.outboxPrune])
        try Self.raise(scene, [Self.alert(9)])
        #expect(try scene.store.outboxEntries().map(\.id) == [(claimed.map(\.id).max() ?? 0) + 1], "AUTOINCREMENT: a pruned id is not given again")
    }
}
