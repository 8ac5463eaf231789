import Foundation
public import Logging
import Publication
import Regulation
public import SystemdSupport
import WorkingDays
public import ServiceLifecycle
import UnixSignals
public import Supervision
import Synchronization

/// The daemon's heart: evaluates the alert rules and logs each transition once, then sleeps
/// until the next thing that can change — the next midnight in Asia/Shanghai (statuses change
/// by the day), a CLI write to the database (inotify on its directory), a clock step
/// (`TFD_TIMER_CANCEL_ON_SET`), a reload or a stop — waking otherwise only to ping the watchdog.
public final class Scheduler: Service, Sendable {
    /// Reads the configuration again on SIGHUP.
    public typealias Loader = @Sendable () async throws -> Deployment

    private struct State {
        var reloadRequested = false
        var stopping = false
        /// The day the wall clock was last found behind, so that it is said once.
        var clockBehind: CivilDate?
    }

    private let initial: Deployment
    private let load: Loader
    private let clock: DaemonClock
    private let logger: Logger
    private let notifier: ServiceNotifier
    private let state = Mutex(State())
    private let waiter: EventWaiter
    private let evaluated: @Sendable (Deployment) -> Void

    /// `evaluated` runs after each evaluation (the first one after READY=1) with the
    /// configuration in force: the delivery worker takes its routing and looks at the outbox again.
    public init(deployment: Deployment, reload: @escaping Loader, clock: DaemonClock, logger: Logger, notifier: ServiceNotifier = ServiceNotifier(),
                evaluated: @escaping @Sendable (Deployment) -> Void = { _ in }) throws {
        initial = deployment
        load = reload
        self.evaluated = evaluated
        self.clock = clock
        self.logger = logger
        self.notifier = notifier
        waiter = try EventWaiter()
    }

    /// Asks for a reload of the configuration and calendar (SIGHUP); the loop does it between waits.
    public func requestReload() {
        state.withLock { $0.reloadRequested = true }
        waiter.interrupt()
    }

    static func directory(of path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().path
    }

    func makeSupervisor(_ deployment: Deployment) throws -> Supervisor {
        let clock = clock
        return try Supervisor(databasePath: deployment.databasePath, group: deployment.databaseGroup, actor: "spotcheckd",
                              region: deployment.region, dueSoonWorkdays: deployment.dueSoonWorkdays, clock: { clock.now() }, writerCacheMiB: 8)
    }

    /// One evaluation: transitions written, then their entries logged and marked. Returns the
    /// status line, the next wake-up and the last change seen.
    /// Without `compliance`, the yearly rules' alerts wait for the next pass (the first pass
    /// reports readiness without reading every round of the year); `foldAll` folds every kind.
    func evaluate(_ supervisor: Supervisor, _ deployment: Deployment, starting: Bool, compliance: Bool = true,
                  foldAll: Bool = false) throws -> (status: String, next: Date, seen: Int64, summary: String, caughtUp: Bool) {
        let journal = AlertJournal(logger: logger, language: deployment.language)
        let evaluation = try supervisor.evaluateAlerts(settings: deployment.alerts, notify: deployment.notify, starting: starting, compliance: compliance,
                                                       foldAll: foldAll)
        if let since = evaluation.caughtUpSince {
            journal.event(.caughtUp, AlertMessages.caughtUp(count: evaluation.raised, since: since?.description, language: deployment.language),
                          fields: ["SINCE": "\(since?.description ?? "never")", "ALERT_COUNT": "\(evaluation.raised)"])
        }
        let warnBehind = state.withLock { state in
            defer { state.clockBehind = evaluation.clockBehind }
            return evaluation.clockBehind != nil && state.clockBehind != evaluation.clockBehind
        }
        if warnBehind, let clockDay = evaluation.clockBehind {
            logger.warning("the wall clock reads \(clockDay), before \(evaluation.day) already evaluated; the alerts stay as of \(evaluation.day) until it gets there (no summaries meanwhile)",
                           metadata: ["CLOCK_DAY": "\(clockDay)", "EVALUATED_DAY": "\(evaluation.day)"])
        }
        journal.log(evaluation.entries, day: evaluation.day)
        try supervisor.markLogged(evaluation.subjects)
        // The leadership summary of a slot that has come, once (issue 11), after the full pass.
        // Not while the clock is behind the day held: a summary as of the clock's earlier day
        // would contradict the alerts kept.
        if compliance, evaluation.clockBehind == nil, let slot = try supervisor.makeSummaryIfDue(notify: deployment.notify, summary: deployment.notify.summary, alertSettings: deployment.alerts) {
            logger.info("the overdue summary for \(slot) is queued", metadata: ["SUMMARY_DAY": "\(slot)"])
        }
        // The next roll-over after the day evaluated, not after now: an evaluation running past
        // midnight must not skip a day; or the next summary slot, when sooner.
        var next = ShanghaiTime.startOfNextDay(after: ShanghaiTime.noon(of: evaluation.day))
        if evaluation.clockBehind == nil, let slot = try supervisor.nextSummarySlot(after: clock.now(), settings: deployment.notify.summary), slot < next {
            next = slot
        }
        let overdue = [.overdue, .escalated, .findingOverdue].reduce(0) { $0 + (evaluation.inForce[$1] ?? 0) }
        let dueSoon = evaluation.inForce[.dueSoon] ?? 0
        let status = AlertMessages.status(overdue: overdue, dueSoon: dueSoon, nextCheck: ShanghaiTime.minute(next), language: .en)
        let summary = AlertMessages.status(overdue: overdue, dueSoon: dueSoon, nextCheck: ShanghaiTime.minute(next), language: deployment.language)
        // What this evaluation saw, not the newest entry: a CLI write that landed during it is a
        // change still to evaluate (a summary's own entry costs one more evaluation at most).
        return (status, next, evaluation.seenSeq, summary, evaluation.caughtUpSince != nil)
    }

    public func run() async throws {
        var deployment = initial
        let databaseDirectory = Self.directory(of: deployment.databasePath)
        let databaseName = URL(fileURLWithPath: deployment.databasePath).lastPathComponent
        if let error = waiter.watchWhenPossible(directory: databaseDirectory) {
            logger.warning("cannot watch the database's directory (\(error)); CLI changes are looked for every 2 s until it can",
                           metadata: ["ERROR": "\(error)"])
        }
        if let file = clock.file { try waiter.watch(directory: Self.directory(of: file)) }
        var supervisor = try makeSupervisor(deployment)
        let journal = AlertJournal(logger: logger, language: deployment.language)
        // The deadlines first, then READY=1, then the yearly rules (folded like the first pass
        // when it caught up): readiness does not wait for a read of every round of the year.
        var (status, next, seen, summary, caughtUp) = try evaluate(supervisor, deployment, starting: true, compliance: false)
        journal.event(.started, summary, fields: ["DATABASE": "\(deployment.databasePath)", "STATUS": "\(status)"])
        notifier.ready(status: status)
        // The delivery worker starts now, after READY=1: start-up shares the machine with nothing.
        evaluated(deployment)
        let watchdog = ServiceNotifier.watchdogPeriod().map { $0 / 2 }
        let monotonic = ContinuousClock()
        var lastPing = monotonic.now
        func ping() {
            guard watchdog != nil else { return }
            notifier.watchdog()
            lastPing = monotonic.now
        }
        var failures = 0
        do {
            (status, next, seen, summary, caughtUp) = try evaluate(supervisor, deployment, starting: false, foldAll: caughtUp)
            evaluated(deployment)
            notifier.status(status)
            caughtUp = false
        } catch {
            failures = 1
            logger.error("evaluation failed (1 in a row): \(error)", metadata: ["ERROR": "\(error)"])
            next = clock.now().addingTimeInterval(5)
        }
        ping()

        try await withTaskCancellationOrGracefulShutdownHandler {
            while !state.withLock({ $0.stopping }) && !Task.isCancelled {
                var armPoll: Duration?
                do {
                    try waiter.arm(at: clock.machineInstant(for: next))
                } catch {
                    // Not expected (the arguments are valid): look at the time again in 5 s, and
                    // arm again then.
                    logger.error("cannot arm the timer for \(ShanghaiTime.minute(next)): \(error)", metadata: ["ERROR": "\(error)"])
                    armPoll = .seconds(5)
                }
                // The watchdog is pinged every half period from this loop, however long an evaluation took.
                let untilPing = watchdog.map { max($0 - (monotonic.now - lastPing), .zero) }
                // Without every inotify watch (the limits reached, a directory removed and not back
                // yet), CLI writes are looked for every 2 s: slower, but within the 5 s promised.
                let changePoll: Duration? = waiter.watchingAll ? nil : .seconds(2)
                let wakes = await waiter.wait(timeout: [untilPing, armPoll, changePoll].compactMap { $0 }.min())
                if let watchdog, monotonic.now - lastPing >= watchdog { ping() }
                let (reload, stopping) = state.withLock { state in
                    defer { state.reloadRequested = false }
                    return (state.reloadRequested, state.stopping)
                }
                if stopping { break }
                var due = wakes.timer != .none || clock.now() >= next || wakes.overflowed
                if let file = clock.file, wakes.changedFiles.contains(file) {
                    try? clock.reload()
                    due = true
                }
                do {
                    if reload {
                        notifier.reloading()
                        do {
                            let fresh = try await load()
                            if fresh.databasePath != deployment.databasePath || fresh.log != deployment.log {
                                logger.warning("db and log take effect at the next start; the running ones stay", metadata: ["CONFIG_FILE": "\(fresh.configFile)"])
                            }
                            var reloaded = fresh
                            reloaded.databasePath = initial.databasePath
                            // Nothing of the new configuration is taken until all of it is in place.
                            supervisor = try makeSupervisor(reloaded)
                            deployment = reloaded
                            AlertJournal(logger: logger, language: deployment.language).event(.reloaded, deployment.configFile, fields: ["CONFIG_FILE": "\(deployment.configFile)"])
                        } catch {
                            AlertJournal(logger: logger, language: deployment.language).event(.reloadFailed, "\(error)", fields: ["ERROR": "\(error)"])
                        }
                        due = true
                    }
                    if !due, wakes.changedFiles.contains(where: { $0.hasPrefix(databaseDirectory + "/" + databaseName) }) || wakes.timedOut {
                        due = try supervisor.lastChange() != seen
                    }
                    if due {
                        // A catch-up whose second pass failed still folds when it is retried.
                        (status, next, seen, summary, _) = try evaluate(supervisor, deployment, starting: false, foldAll: caughtUp)
                        evaluated(deployment)
                        caughtUp = false
                        notifier.status(status)
                        ping()
                        failures = 0
                    }
                } catch {
                    // Never stop silently, and never spin: say why, and try again after a backoff
                    // (5 s doubling to 5 min), the repeats logged once.
                    failures += 1
                    if failures == 1 || failures.isMultiple(of: 10) {
                        logger.error("evaluation failed (\(failures) in a row): \(error)", metadata: ["ERROR": "\(error)"])
                    }
                    next = clock.now().addingTimeInterval(min(5 * pow(2, Double(min(failures - 1, 6))), 300))
                }
                if reload { notifier.ready(status: status) }
            }
        } onCancelOrGracefulShutdown: {
            self.state.withLock { $0.stopping = true }
            self.notifier.stopping(status: "stopping")
            self.waiter.interrupt()
        }
    }
}

/// Turns SIGHUP into a reload of the scheduler. The signal is trapped when this is made, so make
/// it before the scheduler reports READY=1.
public struct Reloader: Service {
    let signals: UnixSignalsSequence
    let scheduler: Scheduler

    public init(scheduler: Scheduler) async {
        signals = await UnixSignalsSequence(trapping: .sighup)
        self.scheduler = scheduler
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            for await _ in signals { scheduler.requestReload() }
        }
    }
}
