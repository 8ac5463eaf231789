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
    }

    private let initial: Deployment
    private let load: Loader
    private let clock: DaemonClock
    private let logger: Logger
    private let notifier: ServiceNotifier
    private let state = Mutex(State())
    private let waiter: EventWaiter

    public init(deployment: Deployment, reload: @escaping Loader, clock: DaemonClock, logger: Logger, notifier: ServiceNotifier = ServiceNotifier()) throws {
        initial = deployment
        load = reload
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
                              region: deployment.region, dueSoonWorkdays: deployment.dueSoonWorkdays, clock: { clock.now() })
    }

    /// One evaluation: transitions written, then their entries logged and marked. Returns the
    /// status line, the next wake-up and the last change seen.
    func evaluate(_ supervisor: Supervisor, _ deployment: Deployment, starting: Bool) throws -> (status: String, next: Date, seen: Int64, summary: String) {
        let journal = AlertJournal(logger: logger, language: deployment.language)
        let evaluation = try supervisor.evaluateAlerts(settings: deployment.alerts, starting: starting)
        if let since = evaluation.caughtUpSince {
            journal.event(.caughtUp, AlertMessages.caughtUp(count: evaluation.raised, since: since?.description, language: deployment.language),
                          fields: ["SINCE": "\(since?.description ?? "never")", "ALERT_COUNT": "\(evaluation.raised)"])
        }
        journal.log(evaluation.entries, day: evaluation.day)
        try supervisor.markLogged(evaluation.subjects)
        let next = ShanghaiTime.startOfNextDay(after: clock.now())
        let overdue = [.overdue, .escalated, .findingOverdue].reduce(0) { $0 + (evaluation.inForce[$1] ?? 0) }
        let dueSoon = evaluation.inForce[.dueSoon] ?? 0
        let status = AlertMessages.status(overdue: overdue, dueSoon: dueSoon, nextCheck: ShanghaiTime.minute(next), language: .en)
        let summary = AlertMessages.status(overdue: overdue, dueSoon: dueSoon, nextCheck: ShanghaiTime.minute(next), language: deployment.language)
        return (status, next, try supervisor.lastChange(), summary)
    }

    public func run() async throws {
        var deployment = initial
        let databaseDirectory = Self.directory(of: deployment.databasePath)
        let databaseName = URL(fileURLWithPath: deployment.databasePath).lastPathComponent
        try waiter.watch(directory: databaseDirectory)
        if let file = clock.file { try waiter.watch(directory: Self.directory(of: file)) }
        var supervisor = try makeSupervisor(deployment)
        let journal = AlertJournal(logger: logger, language: deployment.language)
        var (status, next, seen, summary) = try evaluate(supervisor, deployment, starting: true)
        journal.event(.started, summary, fields: ["DATABASE": "\(deployment.databasePath)", "STATUS": "\(status)"])
        notifier.ready(status: status)
        let watchdog = ServiceNotifier.watchdogPeriod().map { $0 / 2 }

        try await withTaskCancellationOrGracefulShutdownHandler {
            while !state.withLock({ $0.stopping }) && !Task.isCancelled {
                try waiter.arm(at: clock.machineInstant(for: next))
                let wakes = await waiter.wait(timeout: watchdog)
                if watchdog != nil { notifier.watchdog() }
                let (reload, stopping) = state.withLock { state in
                    defer { state.reloadRequested = false }
                    return (state.reloadRequested, state.stopping)
                }
                if stopping { break }
                var due = wakes.timer != .none || clock.now() >= next
                if let file = clock.file, wakes.changedFiles.contains(file) {
                    try? clock.reload()
                    due = true
                }
                do {
                    if reload {
                        notifier.reloading()
                        do {
                            let fresh = try await load()
                            supervisor = try makeSupervisor(fresh)
                            deployment = fresh
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
                        (status, next, seen, summary) = try evaluate(supervisor, deployment, starting: false)
                        notifier.status(status)
                    }
                } catch {
                    // Never stop silently: say why, and try again at the next wake-up.
                    logger.error("evaluation failed: \(error)", metadata: ["ERROR": "\(error)"])
                }
                if reload { notifier.ready(status: status) }
            }
        } onCancelOrGracefulShutdown: {
            self.state.withLock { $0.stopping = true }
            self.waiter.interrupt()
        }
        notifier.stopping(status: "stopping")
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
