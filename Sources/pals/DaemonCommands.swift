import ArgumentParser
import Casework
import Engine
import Foundation
import Logging
import Outbox
import ServiceLifecycle
import UnixSignals
import WorkingDays

/// `pals daemon`.
struct DaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Acknowledge new cases, send reminders and send the outbox, until stopped (SIGTERM or SIGINT).",
        discussion: """
            Services: intake (acknowledges each new case within seconds, by email or into Outbox/print/), the deadline \
            watcher (officers' digests, same-day reminders and escalations on working days at reminders.time), and the \
            sender (the outbox, with retries). Each sleeps until its next job is due or it is woken (pals case new \
            signals SIGUSR1), so an idle daemon uses next to no CPU. On SIGTERM or SIGINT the SMTP transaction in \
            flight finishes and the daemon exits 0. SIGHUP (systemctl reload) reads pals.yaml and Templates/ again; a bad file is refused, \
            logged, and the configuration in force is kept. --once runs one pass of each and exits, for cron.
            """
    )

    @OptionGroup var options: WorkspaceOptions
    @Flag(help: "Run one pass of every service and exit.") var once = false
    @Option(help: "Log lines: human or json.") var logFormat: String = "human"
    @Option(
        help: ArgumentHelp(
            "The longest intake sleeps without a signal (a case logged while the daemon was down), in seconds; "
                + "the sender sleeps at most 60.",
            valueName: "seconds"))
    var interval: Double = 300

    func validate() throws {
        _ = try optionChoice(logFormat, "--log-format") as LineLogHandler.Format?
        guard interval > 0, interval <= 3600 else {
            throw ValidationError("--interval must be between 0 and 3600 seconds")
        }
    }

    func run() async throws {
        let format: LineLogHandler.Format = try optionChoice(logFormat, "--log-format")!
        LoggingSystem.bootstrap { LineLogHandler(label: $0, format: format) }
        let logger = Logger(label: "pals.daemon")
        let book = try options.casebook()
        // `pals case new` sends SIGUSR1 to the lock holder, and `systemctl reload` SIGHUP; their default
        // action would end the daemon.
        signal(SIGUSR1, SIG_IGN)
        signal(SIGHUP, SIG_IGN)
        // Trapped before the lock names this process, so a reload or a new case signalled from then on is not lost.
        let hangups = once ? nil : await UnixSignalsSequence(trapping: .sighup)
        let wakeups = once ? nil : await UnixSignalsSequence(trapping: .sigusr1)
        let lock = try DaemonLock.acquire(in: book.workspace)
        defer { lock.release() }
        let postroom = try Postroom(casebook: book, logger: logger)
        let daemon = try Daemon(postroom: postroom, environment: options.environment, logger: logger)
        if once {
            let report = await daemon.once()
            logger.info(
                "one pass done",
                metadata: [
                    "delivered": "\(report.delivered)", "deferred": "\(report.deferred)", "failed": "\(report.failed)",
                    "held": "\(report.held)",
                ])
            if !report.problems.isEmpty { throw ExitCode.failure }  // each was logged as an error, naming its message
            return
        }
        logger.info("daemon started", metadata: ["workspace": "\(book.workspace.root.path)", "pid": "\(getpid())"])
        let web = try DaemonWeb.services(  // see ServeCommand.swift
            postroom: postroom, logger: logger, reloaded: { daemon.postroom.casebook.workspace.configuration.http })
        let group = ServiceGroup(
            configuration: .init(
                services: (daemon.services(
                    safetyInterval: .milliseconds(Int(interval * 1000)), hangups: hangups, wakeups: wakeups
                ) + web).map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
        logger.info("daemon stopped")
    }
}

/// `pals status`.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract:
            "Whether the daemon runs, the outbox by state, the oldest queued message, the next deadlines, the last delivery."
    )

    @OptionGroup var options: WorkspaceOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let book = try options.casebook(readOnly: true)
        let outbox = try options.outbox()
        let status = try WorkspaceStatus.read(casebook: book, outbox: outbox)
        if json {
            try printJSON(status)
            DeadlineReports.problemLines(status.deadlineProblems).forEach(warn)
        } else {
            print(status.text)
        }
    }
}
