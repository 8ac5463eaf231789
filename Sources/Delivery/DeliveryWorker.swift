import AsyncHTTPClient
public import Foundation
public import Logging
import NIOCore
import NIOHTTP1
import Publication
import Records
import Regulation
public import ServiceLifecycle
public import Supervision
import Synchronization

/// The outbox's worker (a `Service` of spotcheckd): once the scheduler has reported READY=1,
/// sets pending again what a crash left delivering, then claims the due rows in batches, attempts them concurrently, and writes each
/// outcome back guarded by its attempt number. It sleeps until the next row is due or it is
/// woken (an evaluation enqueued rows, ops retried some, the configuration was reloaded).
/// A row out of attempts, or refused for good, is dead with a journal entry of its own.
public final class DeliveryWorker: Service, Sendable {
    /// Rows claimed at once.
    static let batchSize = 256
    /// Attempts in flight at once.
    static let concurrency = 32
    /// A robot's messages a minute (DingTalk and WeCom both allow 20): the rest are held.
    static let robotPerMinute = 20

    /// Opens the worker's own connection to the database: when the worker first wakes, after READY=1.
    private let open: @Sendable () throws -> Supervisor
    private let clock: @Sendable () -> Date
    private let settings: Mutex<NotifySettings>
    private let logger: Logger
    private let wakeup = Wakeup()
    private let robotSends = Mutex<[String: [Date]]>([:])

    public init(open: @escaping @Sendable () throws -> Supervisor, clock: @escaping @Sendable () -> Date, settings: NotifySettings, logger: Logger) {
        self.open = open
        self.clock = clock
        self.settings = Mutex(settings)
        self.logger = logger
    }

    /// New routing (a reload): taken from the next batch on.
    public func update(_ settings: NotifySettings) {
        self.settings.withLock { $0 = settings }
        wakeup.signal()
    }

    /// Something was enqueued or re-queued: look again now.
    public func wake() { wakeup.signal() }

    public func run() async throws {
        // Nothing before the scheduler's first evaluation and READY=1 (it wakes this worker
        // then): the daemon's start shares the machine with neither deliveries nor the HTTP
        // client's event loops.
        await cancelWhenGracefulShutdown { await self.wakeup.wait(timeout: nil) }
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5)))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: Self.concurrency)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        if let supervisor = await cancelWhenGracefulShutdown({ await self.openOutbox() }) {
            await cancelWhenGracefulShutdown { await self.loop(client, supervisor) }
        }
        try await client.shutdown()
    }

    /// The worker's connection, with the attempts the last stop left in flight set pending again;
    /// retried with a backoff (a busy or full database at start), `nil` once shut down.
    func openOutbox() async -> Supervisor? {
        var failures = 0
        while !Task.isCancelled {
            do {
                let supervisor = try open()
                let reset = try supervisor.resetInterruptedDeliveries()
                if reset > 0 { logger.notice("\(reset) deliveries left mid-attempt by the last stop are pending again", metadata: ["OUTBOX_RESET": "\(reset)"]) }
                return supervisor
            } catch {
                failures += 1
                await backOff(after: error, failures: failures, doing: "opening the outbox")
            }
        }
        return nil
    }

    /// Says why (the first failure and every tenth), then waits 5 s doubling to 5 min: never
    /// stop silently, never spin.
    func backOff(after error: any Error, failures: Int, doing work: String = "delivery") async {
        if failures == 1 || failures.isMultiple(of: 10) {
            logger.error("\(work) failed (\(failures) in a row): \(error)", metadata: ["ERROR": "\(error)"])
        }
        await wakeup.wait(timeout: min(5 * pow(2, Double(min(failures - 1, 6))), 300))
    }

    func loop(_ client: HTTPClient, _ supervisor: Supervisor) async {
        var lastPrune: Date?
        var failures = 0
        // Outcomes a busy database kept from being written: written before the next claim, so that
        // their rows do not stay delivering until the next start, which would send them again.
        var unwritten: [(outcomes: [DeliveryOutcome], batch: [OutboxEntry], settings: NotifySettings)] = []
        while !Task.isCancelled {
            let settings = settings.withLock { $0 }
            do {
                while let held = unwritten.first {
                    let written = try finish(held.outcomes, supervisor)
                    unwritten.removeFirst()
                    logDead(held.outcomes, of: held.batch, written: written, settings: held.settings)
                }
                let now = clock()
                if lastPrune.map({ now.timeIntervalSince($0) > 3600 || now < $0 }) ?? true {
                    try supervisor.pruneDelivered(olderThanDays: settings.pruneDeliveredAfterDays)
                    lastPrune = now
                }
                // Quiet hours are read once a batch (the calendar tells the rest days), before the
                // claim: a failed read fails the batch while its rows are still pending.
                let quietUntil = try settings.quietHours.flatMap { try supervisor.quietUntil(clock(), quiet: $0) }
                let batch = try supervisor.claimDeliveries(limit: Self.batchSize)
                failures = 0
                if batch.isEmpty {
                    let next = try supervisor.nextDeliveryAttempt()
                    await wakeup.wait(timeout: next.map { max($0.timeIntervalSince(clock()), 0.001) })
                    continue
                }
                let outcomes = await deliver(batch, settings: settings, client: client, quietUntil: quietUntil)
                do {
                    let written = try finish(outcomes, supervisor)
                    logDead(outcomes, of: batch, written: written, settings: settings)
                } catch {
                    unwritten.append((outcomes, batch, settings))
                    throw error
                }
            } catch {
                // The outbox keeps the rows; try again later.
                failures += 1
                await backOff(after: error, failures: failures)
            }
        }
        // Stopping: one last try at what is held, so that a delivered row is not sent again
        // after the next start (which sets rows left delivering pending again).
        for held in unwritten {
            guard let written = try? supervisor.finishDeliveries(held.outcomes) else { break }
            logDead(held.outcomes, of: held.batch, written: written, settings: held.settings)
        }
    }

    /// Logs the batch's rows that died, once their outcome is written.
    func logDead(_ outcomes: [DeliveryOutcome], of batch: [OutboxEntry], written: Set<Int64>, settings: NotifySettings) {
        for outcome in outcomes where written.contains(outcome.id) {
            guard case let .dead(error) = outcome.result, let entry = batch.first(where: { $0.id == outcome.id }) else { continue }
            logDead(entry, attempts: outcome.attempt, error: error, settings: settings)
        }
    }

    /// Writes the outcomes back, retried a few times (a busy database); if every try fails, the
    /// loop holds them and writes them before its next claim.
    func finish(_ outcomes: [DeliveryOutcome], _ supervisor: Supervisor) throws -> Set<Int64> {
        var attempt = 0
        while true {
            do {
                return try supervisor.finishDeliveries(outcomes)
            } catch {
                attempt += 1
                if attempt >= 3 { throw error }
                usleep(200_000)
            }
        }
    }

    /// Attempts the batch, at most ``concurrency`` at once; the outcomes in any order.
    func deliver(_ batch: [OutboxEntry], settings: NotifySettings, client: HTTPClient, quietUntil: Date?) async -> [DeliveryOutcome] {
        return await withTaskGroup(of: DeliveryOutcome.self) { group in
            var outcomes: [DeliveryOutcome] = []
            outcomes.reserveCapacity(batch.count)
            var pending = batch[...]
            for _ in 0..<min(Self.concurrency, batch.count) {
                let entry = pending.removeFirst()
                group.addTask { await self.attempt(entry, settings: settings, client: client, quietUntil: quietUntil) }
            }
            while let outcome = await group.next() {
                outcomes.append(outcome)
                if let entry = pending.popFirst() {
                    group.addTask { await self.attempt(entry, settings: settings, client: client, quietUntil: quietUntil) }
                }
            }
            return outcomes
        }
    }

    /// A robot's slot in its per-minute limit, or the instant one frees up.
    func robotSlot(_ name: String, now: Date) -> Date? {
        robotSends.withLock { sends in
            var recent = (sends[name] ?? []).filter { now.timeIntervalSince($0) < 60 && $0 <= now }
            defer { sends[name] = recent }
            if recent.count >= Self.robotPerMinute { return recent.min()!.addingTimeInterval(60) }
            recent.append(now)
            return nil
        }
    }

    /// One attempt of one row.
    func attempt(_ entry: OutboxEntry, settings: NotifySettings, client: HTTPClient, quietUntil: Date? = nil) async -> DeliveryOutcome {
        let now = clock()
        func outcome(_ result: DeliveryOutcome.Result) -> DeliveryOutcome { DeliveryOutcome(id: entry.id, attempt: entry.attempts, result: result) }
        guard !Task.isCancelled else { return outcome(.held(nextAttemptAt: OutboxTime.instant(now), reason: nil)) }
        if let quietUntil, let quiet = settings.quietHours,
           quiet.applies(to: entry.destination.channel, format: settings.webhook(entry.destination.name)?.format, kind: entry.kind) {
            return outcome(.held(nextAttemptAt: OutboxTime.instant(quietUntil), reason: "held for quiet hours until \(ShanghaiTime.iso8601(quietUntil))"))
        }
        if entry.destination.channel == .mail {
            guard let mailbox = settings.mailbox(entry.destination.name), let smtp = settings.smtp else {
                return outcome(.dead(error: "\(entry.destination) is not configured (notify.mailboxes names the mailboxes)"))
            }
            let verdict: DeliveryVerdict
            do {
                try await SMTPClient.send(AlertMail.message(entry, to: mailbox, smtp: smtp, language: settings.language), settings: smtp, timeout: settings.timeout)
                verdict = .delivered
            } catch {
                if Task.isCancelled { return outcome(.held(nextAttemptAt: OutboxTime.instant(clock()), reason: nil)) }
                switch error {
                case let .transient(message): verdict = .retry(after: nil, error: message)
                case let .permanent(message): verdict = .permanent(error: message)
                }
            }
            return conclude(entry, verdict, now: now, settings: settings)
        }
        guard let webhook = settings.webhook(entry.destination.name) else {
            return outcome(.dead(error: "\(entry.destination) is not configured (notify.webhooks names the webhooks)"))
        }
        if webhook.format != .standard, let free = robotSlot(webhook.name, now: now) {
            return outcome(.held(nextAttemptAt: OutboxTime.instant(free), reason: nil))
        }
        let message = WebhookMessage.make(entry, to: webhook, now: now)
        var request = HTTPClientRequest(url: message.url.absoluteString)
        request.method = .POST
        for (name, value) in message.headers { request.headers.add(name: name, value: value) }
        request.headers.add(name: "user-agent", value: "spotcheckd")
        request.body = .bytes(ByteBuffer(bytes: message.body))
        let verdict: DeliveryVerdict
        do {
            let response = try await client.execute(request, timeout: .milliseconds(Int64(settings.timeout * 1000)))
            let body = try await response.body.collect(upTo: 1 << 20)
            let retryAfter = response.headers.first(name: "retry-after")
            verdict = webhook.format == .standard
                ? DeliveryPolicy.verdict(status: Int(response.status.code), retryAfter: retryAfter, now: now)
                : DeliveryPolicy.robotVerdict(status: Int(response.status.code), body: Array(buffer: body), retryAfter: retryAfter, now: now)
        } catch {
            // A stop cut it short: not the receiver's failure.
            if Task.isCancelled { return outcome(.held(nextAttemptAt: OutboxTime.instant(clock()), reason: nil)) }
            verdict = .retry(after: nil, error: Self.describe(error))
        }
        return conclude(entry, verdict, now: now, settings: settings)
    }

    /// The outcome a verdict gives: a retry becomes dead once the attempts are used up.
    func conclude(_ entry: OutboxEntry, _ verdict: DeliveryVerdict, now: Date, settings: NotifySettings) -> DeliveryOutcome {
        func outcome(_ result: DeliveryOutcome.Result) -> DeliveryOutcome { DeliveryOutcome(id: entry.id, attempt: entry.attempts, result: result) }
        switch verdict {
        case .delivered:
            return outcome(.delivered)
        case let .permanent(error):
            return outcome(.dead(error: error))
        case let .hold(after, error):
            return outcome(.held(nextAttemptAt: OutboxTime.instant(now.addingTimeInterval(after)), reason: error))
        case let .retry(after, error):
            guard entry.attempts < settings.maxAttempts else {
                return outcome(.dead(error: "\(error); \(entry.attempts) of \(settings.maxAttempts) attempts made"))
            }
            let delay = after ?? DeliveryPolicy.backoff(afterAttempt: entry.attempts, initial: settings.retryInitial, maximum: settings.retryMax)
            return outcome(.retry(nextAttemptAt: OutboxTime.instant(clock().addingTimeInterval(delay)), error: error))
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return "\(error)" }
        return String(describing: error)
    }

    /// The journal entry of a dead row: ops re-queue it with `spotcheck outbox retry ID`.
    func logDead(_ entry: OutboxEntry, attempts: Int, error: String, settings: NotifySettings) {
        var fields: Logger.Metadata = [
            "MESSAGE_ID": "\(AlertKind.deliveryDead.messageID)", "ALERT_KIND": "\(AlertKind.deliveryDead.rawValue)", "OUTBOX_ID": "\(entry.id)",
            "OUTBOX_KEY": "\(entry.key)", "DESTINATION": "\(entry.destination)", "ATTEMPTS": "\(attempts)", "ERROR": "\(error)",
        ]
        if case let .alert(notice) = entry.payload {
            if let article = notice.article { fields["ARTICLE"] = "\(article)" }
            if let round = notice.round { fields["ROUND_ID"] = "\(round)" }
            if let inspection = notice.inspection { fields["INSPECTION_ID"] = "\(inspection)" }
            if let jurisdiction = notice.jurisdiction { fields["JURISDICTION"] = "\(jurisdiction)" }
        }
        let text = AlertMessages.deliveryDead(id: entry.id, destination: entry.destination.description, attempts: attempts, error: error, language: settings.language)
        logger.warning("\(text)", metadata: fields)
    }
}

/// Wakes the worker's one wait early; a signal while it is not waiting is kept for the next.
final class Wakeup: Sendable {
    private struct State {
        var signalled = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.signalled = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns on a signal, after `timeout` seconds (`nil`: none), or on cancellation.
    func wait(timeout: TimeInterval?) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                        let now = self.state.withLock { state -> Bool in
                            if state.signalled {
                                state.signalled = false
                                return true
                            }
                            state.waiter = continuation
                            return false
                        }
                        if now { continuation.resume() }
                    }
                } onCancel: {
                    self.signal()
                }
            }
            if let timeout {
                group.addTask {
                    try? await Task.sleep(for: .milliseconds(Int64(min(timeout, 86_400) * 1000)))
                    if !Task.isCancelled { self.signal() }
                }
            }
            await group.next()
            group.cancelAll()
        }
        // A signal that raced the timeout is spent with this wait.
        state.withLock { $0.signalled = false }
    }
}
