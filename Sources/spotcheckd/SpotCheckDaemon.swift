import ArgumentParser
import Daemon
import Delivery
import Foundation
import Logging
import Publication
import ServiceLifecycle
import Supervision
import SystemdSupport
import UnixSignals

/// spotcheckd: watches every deadline and logs each alert transition to the journal. Thin:
/// configuration and arguments, then a ServiceGroup of the delivery worker, the scheduler and
/// the SIGHUP reloader.
@main
struct SpotCheckDaemon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spotcheckd",
        abstract: "The SpotCheck daemon: watches every deadline (Art. 9, 13–16) and logs alert transitions to the systemd journal.",
        discussion: """
            Configuration: /etc/spotcheck/spotcheck.yaml (or $SPOTCHECK_CONFIG), each key overridable from the environment \
            (SPOTCHECK_DB, SPOTCHECK_LANGUAGE, SPOTCHECK_ALERTS_FOLD_ABOVE, …). SIGHUP reloads it; SIGTERM stops cleanly.
            """)

    @Option(help: "The database file. Default: $SPOTCHECK_DB, the config file's db, then $STATE_DIRECTORY/spotcheck.sqlite.")
    var db: String?

    @Option(help: "Where the log goes: journal, stderr, or auto (the journal when stderr is connected to it).")
    var log: String?

    @Flag(help: "Validate the configuration and exit: 0, or 78 naming the key.")
    var checkConfig = false

    @Flag(help: "Print the systemd drop-in that lets the unit (IPAddressDeny=any) reach the receivers notify.* names, and exit.")
    var addressAllow = false

    @Flag(help: "Build a demo database (demo/spotcheck.sqlite, rounds in every state as of today) if there is none, and run on it in the foreground, logging to stderr.")
    var demo = false

    @Option(help: ArgumentHelp("A file holding an ISO-8601 instant to use as the wall clock, which then runs on; rewriting it steps the clock (tests).", visibility: .hidden))
    var clockFile: String?

    func deployment() async throws -> Deployment {
        var deployment = try await Deployment.load()
        if let db { deployment.databasePath = db }
        if demo { deployment.databasePath = FileManager.default.currentDirectoryPath + "/demo/spotcheck.sqlite" }
        if let log {
            guard LogDestination(rawValue: log) != nil else { throw ConfigurationError(key: "--log", "\"\(log)\" is not one of journal, stderr, auto") }
            deployment.log = log
        }
        if demo { deployment.log = "stderr" }
        return deployment
    }

    func run() async throws {
        // A closed stderr pipe or a receiver's reset connection is an error to handle, not a
        // signal that kills the daemon (SwiftNIO ignores SIGPIPE only once it makes a socket).
        signal(SIGPIPE, SIG_IGN)
        Supervisor.prepareBuiltInCalendar()
        let deployment: Deployment
        do {
            deployment = try await self.deployment()
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("spotcheckd: \(error)\n".utf8))
            throw ExitCode(78)  // EX_CONFIG
        }
        if addressAllow {
            print(AddressAllowList.dropIn(for: deployment.notify), terminator: "")
            return
        }
        if checkConfig {
            print("spotcheckd: configuration OK (\(deployment.configFile); database \(deployment.databasePath); language \(deployment.language.rawValue))")
            return
        }
        var destination = LogDestination(rawValue: deployment.log)?.resolved ?? .stderr
        if destination == .journal && !LogDestination.journalAvailable() {
            FileHandle.standardError.write(Data("spotcheckd: warning no journal at \(LogDestination.journalSocket); logging to stderr\n".utf8))
            destination = .stderr
        }
        LoggingSystem.bootstrap { _ in
            destination == .journal ? JournalLogHandler(identifier: "spotcheckd") as any LogHandler : StderrLogHandler(identifier: "spotcheckd")
        }
        let logger = Logger(label: "spotcheckd")
        do {
            if demo { try buildDemo(deployment) }
            let clock = try DaemonClock(file: clockFile.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
            // The worker opens its own connection when it first wakes, after READY=1.
            let delivery = DeliveryWorker(
                open: {
                    try Supervisor(databasePath: deployment.databasePath, group: deployment.databaseGroup, actor: "spotcheckd", region: deployment.region,
                                   dueSoonWorkdays: deployment.dueSoonWorkdays, clock: { clock.now() }, writerCacheMiB: 4)
                },
                clock: { clock.now() }, settings: deployment.notify, logger: logger)
            let scheduler = try Scheduler(deployment: deployment, reload: { try await self.deployment() }, clock: clock, logger: logger) { current in
                delivery.update(current.notify)
            }
            let reloader = await Reloader(scheduler: scheduler)  // SIGHUP is trapped from here, before READY=1
            // Shut down in reverse order: the scheduler (STOPPING=1) first, then the worker
            // finishes or hands back its attempts in flight.
            let group = ServiceGroup(configuration: ServiceGroupConfiguration(
                // Named here: the default name describes each service by reflection, which costs
                // start-up a few milliseconds of conformance lookups.
                services: [.init(service: delivery, serviceName: "delivery"),
                           .init(service: scheduler, successTerminationBehavior: .gracefullyShutdownGroup, serviceName: "scheduler"),
                           .init(service: reloader, serviceName: "reloader")],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
            try await group.run()
        } catch {
            let failure = Failure(error)
            logger.critical("spotcheckd stops: \(failure.message)")
            throw ExitCode(failure.kind.rawValue)
        }
    }

    /// The demo deployment as of today, built once through the same use case as `spotcheck demo load`.
    func buildDemo(_ deployment: Deployment) throws {
        let path = deployment.databasePath
        if FileManager.default.fileExists(atPath: path) { return }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let supervisor = try Supervisor(databasePath: path, actor: "demo", region: deployment.region, dueSoonWorkdays: deployment.dueSoonWorkdays)
        let summary = try supervisor.loadDemo(asOf: supervisor.today, institutions: 600, seed: 2026)
        FileHandle.standardError.write(Data("spotcheckd: demo deployment in \(path): \(summary.rounds) rounds, \(summary.findings) findings\n".utf8))
    }
}
