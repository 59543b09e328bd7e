import ArgumentParser
import Casework
import Engine
import Foundation
import Letters
import Mail
import Outbox
import Primitives
import Synchronization
import WorkingDays

/// `pals letter KIND REF`: queue a letter an officer writes.
struct LetterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "letter",
        abstract: "Queue a letter for a case (as `pals preview` shows it) and record it in the case history.",
        discussion: LetterKindsHelp.discussion(
            "A holding letter (--set reason=… --set newDate=YYYY-MM-DD) moves the agreed response date.")
    )

    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "The kind of letter (listed above).") var kind: String
    @Argument(help: "The case reference.") var reference: String
    @OptionGroup var inputs: LetterInputOptions

    func run() async throws {
        let postroom = try options.postroom()
        let result = try postroom.sendLetter(
            LetterKind(rawValue: kind), reference: reference, inputs: try inputs.values())
        switch result {
        case .email(let item, let isNew) where item.state == .hold:
            print(
                isNew
                    ? "Held \(kind) for \(reference) as \(item.id), not sent: \(item.reason ?? "")"
                    : "Already queued as \(item.id) (\(item.state.rawValue): \(item.reason ?? ""))")
        case .email(let item, let isNew):
            print(
                isNew
                    ? "Queued \(kind) for \(reference) as \(item.id)"
                    : "Already queued as \(item.id) (\(item.state.rawValue))")
        case .print(let file, let isNew) where LetterQueue.isHeldPrint(file):
            print(
                isNew
                    ? "Held \(kind) for \(reference), not in the print queue (see the case): \(file.path)"
                    : "Already held: \(file.path)")
        case .print(let file, let isNew):
            print(
                isNew
                    ? "Placed \(kind) for \(reference) in the print queue: \(file.path)"
                    : "Already in the print queue: \(file.path)")
        }
    }
}

/// `pals outbox …`.
struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "Inspect the outbox and act on its messages: list, show, retry, hold, release, cancel, flush.",
        subcommands: [List.self, Show.self, Retry.self, Hold.self, Release.self, Cancel.self, Flush.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List messages waiting or stopped (not the sent archive: see `pals archive`).")
        @OptionGroup var options: WorkspaceOptions
        @Option(help: ArgumentHelp("queued, active, deferred, hold, failed or cancelled.", valueName: "state"))
        var state: String?
        @Option(help: ArgumentHelp("Only messages of this case.", valueName: "ref")) var `case`: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let outbox = try options.outbox()
            let chosen: OutboxState? = try optionChoice(state, "--state")
            let states = chosen.map { [$0] } ?? OutboxState.allCases.filter { $0 != .sent }
            let labels = `case`.map(MessageLabels.forCase) ?? [:]
            let items = try states.flatMap { try outbox.list(state: $0, labels: labels) }
            if json { try printJSON(items.map(OutboxRow.init)) } else { print(OutboxRow.table(items)) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a message's metadata and history (any state).")
        @OptionGroup var options: WorkspaceOptions
        @Argument(help: "The message id.") var id: String
        @Flag(help: "Print the raw .eml instead.") var eml = false

        func run() async throws {
            let outbox = try options.outbox()
            if eml {
                FileHandle.standardOutput.write(try outbox.data(of: id))
                return
            }
            try printJSON(try outbox.show(id))
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a deferred, failed or held message again, now.")
        @OptionGroup var options: WorkspaceOptions
        @Argument(help: "The message id.") var id: String
        func run() async throws { report(try options.outbox().retry(id), "queued again") }
    }

    struct Hold: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop a queued or deferred message until it is released.")
        @OptionGroup var options: WorkspaceOptions
        @Argument(help: "The message id.") var id: String
        @Option(help: "Why (kept in its history).") var reason = "held by an officer"
        func run() async throws { report(try options.outbox().hold(id, reason: reason), "on hold") }
    }

    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue a held message again.",
            discussion:
                "A message held because its outcome was uncertain may already have been delivered: release it only when you have checked it was not."
        )
        @OptionGroup var options: WorkspaceOptions
        @Argument(help: "The message id.") var id: String
        func run() async throws { report(try options.outbox().release(id), "released") }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a message that was not sent out of the queue (it is kept in cancelled/).")
        @OptionGroup var options: WorkspaceOptions
        @Argument(help: "The message id.") var id: String
        @Option(help: "Why (kept in its history).") var reason = "cancelled by an officer"
        func run() async throws { report(try options.outbox().cancel(id, reason: reason), "cancelled") }
    }

    struct Flush: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send what is due now, in the foreground.")
        @OptionGroup var options: WorkspaceOptions

        func run() async throws {
            let postroom = try options.postroom()
            let due = try postroom.outbox.list(state: .queued).count
            let progress = ProgressLine(total: due, enabled: isatty(STDERR_FILENO) == 1)
            let unrecorded = Mutex<[String]>([])
            let sender = try postroom.sender(
                observe: { _ in progress.step() },
                recordFailed: { event, error in
                    let labels = MessageLabels(event.labels)
                    let what = "\(event.id) (\(labels.kind ?? "message") for \(labels.reference ?? "-"))"
                    unrecorded.withLock {
                        $0.append(
                            "\(what): \(event.kind.rawValue), but not recorded on its case: \(error.localizedDescription)"
                        )
                    }
                })
            var report = await sender.drain()
            if postroom.sendAlerts(force: true) > 0 { report = report + (await sender.sendDue()) }
            progress.finish()
            print(
                "delivered \(report.delivered), deferred \(report.deferred), failed \(report.failed), on hold \(report.held)"
            )
            let problems = report.problems.map(\.description) + unrecorded.withLock { $0 }
            if !problems.isEmpty { throw FlushError(problems: problems) }
        }
    }

    /// What `outbox flush` could not record: the command fails (exit 1) and names each message.
    struct FlushError: LocalizedError {
        let problems: [String]
        var errorDescription: String? {
            "could not record \(problems.count) message move(s); see `pals outbox list` and `pals case show`:\n"
                + problems.map { "  " + $0 }.joined(separator: "\n")
        }
    }

    static func report(_ item: OutboxItem, _ what: String) {
        print("\(item.id) \(what) (\(item.state.rawValue))")
    }
}

/// `pals archive …`: the sent-items archive.
struct ArchiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "The sent-items archive: list, show, export a case's correspondence, purge by retention.",
        subcommands: [List.self, Show.self, Export.self, Purge.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List sent messages, oldest first.")
        @OptionGroup var options: WorkspaceOptions
        @Option(help: ArgumentHelp("Only messages of this case.", valueName: "ref")) var `case`: String?
        @Option(help: ArgumentHelp("Only messages sent on or after this day.", valueName: "YYYY-MM-DD")) var since:
            String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let outbox = try options.outbox()
            let start = try since.map { raw -> Date in
                guard let day = CivilDate(iso: raw) else {
                    throw ValidationError("--since '\(raw)' is not a date in the form YYYY-MM-DD")
                }
                return day.date()
            }
            let items = try outbox.archive.list(labels: `case`.map(MessageLabels.forCase) ?? [:], since: start)
            let rows = try items.map { try ArchiveRow($0, outbox: outbox) }
            if json { try printJSON(rows) } else { print(ArchiveRow.table(rows)) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a sent message (.eml), or its metadata with --json.")
        @OptionGroup var options: WorkspaceOptions
        @Argument(help: "The message id.") var id: String
        @Flag(help: "Print the metadata as JSON instead of the message.") var json = false

        func run() async throws {
            let outbox = try options.outbox()
            let item = try outbox.archive.show(id)
            if json { try printJSON(item) } else { FileHandle.standardOutput.write(try outbox.data(of: item.id)) }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Copy every message of a case, with its metadata, into a folder (e.g. for a subject access request).")
        @OptionGroup var options: WorkspaceOptions
        @Argument(help: "The case reference.") var reference: String
        @Option(help: ArgumentHelp("The folder to write to.", valueName: "dir")) var to: String

        func run() async throws {
            let book = try options.casebook()
            _ = try book.register.get(reference)
            let outbox = try options.outbox()
            let report = try outbox.archive.export(
                labels: MessageLabels.forCase(reference), to: URL(filePath: to, directoryHint: .isDirectory))
            print("Exported \(report.ids.count) message(s) of \(reference) to \(report.folder.path)")
        }
    }

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Delete the correspondence of cases closed before a date (retention: 10 years after closure by default).",
            discussion:
                "Only cases closed before --closed-before are touched; a date less than 10 years ago is refused unless --force."
        )
        @OptionGroup var options: WorkspaceOptions
        @Option(help: ArgumentHelp("Purge cases closed before this day.", valueName: "YYYY-MM-DD")) var closedBefore:
            String
        @Flag(help: "List what would be purged, and purge nothing.") var dryRun = false
        @Flag(help: "Allow a date within the 10-year retention period.") var force = false

        func run() async throws {
            guard let day = CivilDate(iso: closedBefore) else {
                throw ValidationError("--closed-before '\(closedBefore)' is not a date in the form YYYY-MM-DD")
            }
            let purged: (ids: [String], cases: Int)
            do {
                purged = try options.postroom().retention.purgeClosed(before: day, dryRun: dryRun, force: force)
            } catch let error as RetentionError {
                throw PurgeRefused(error: error)
            }
            print(
                "\(dryRun ? "Would purge" : "Purged") \(purged.ids.count) message(s) of \(purged.cases) closed case(s)")
            for id in purged.ids { print("  \(id)") }
        }
    }
}

/// `archive purge` refused within the retention period: Engine's facts, and the flag that overrides it.
struct PurgeRefused: LocalizedError {
    let error: RetentionError
    var errorDescription: String? {
        "--closed-before \(error.closedBefore.iso) is within the 10-year retention period (cases closed before "
            + "\(error.purgeableBefore.iso) may be purged); add --force to override"
    }
}

/// A line of `pals outbox list --json`.
struct OutboxRow: Encodable {
    let id: String
    let state: String
    let `case`: String?
    let kind: String?
    let to: String
    let attempts: Int
    let nextAttempt: Date?
    let lastReply: String?
    /// Why the message is in its state (for a held letter, what the officer must arrange).
    let reason: String?

    init(_ item: OutboxItem) {
        id = item.id
        state = item.state.rawValue
        let labels = MessageLabels(item.labels)
        self.case = labels.reference
        kind = labels.kind
        to = item.recipient
        attempts = item.attempts.count
        nextAttempt = item.nextAttempt
        lastReply = item.lastReply
        reason = item.reason
    }

    /// Every key is written, with `null` for what is absent, so scripts can rely on the shape.
    func encode(to encoder: any Encoder) throws {
        enum Key: String, CodingKey { case id, state, `case`, kind, to, attempts, nextAttempt, lastReply, reason }
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(id, forKey: .id)
        try container.encode(state, forKey: .state)
        try container.encode(self.case, forKey: .case)
        try container.encode(kind, forKey: .kind)
        try container.encode(to, forKey: .to)
        try container.encode(attempts, forKey: .attempts)
        try container.encode(nextAttempt, forKey: .nextAttempt)
        try container.encode(lastReply, forKey: .lastReply)
        try container.encode(reason, forKey: .reason)
    }

    static func table(_ items: [OutboxItem]) -> String {
        guard !items.isEmpty else { return "the outbox is empty" }
        let formatter = ISO8601DateFormatter()
        return TextTable.render(
            header: ["ID", "STATE", "CASE", "KIND", "ATTEMPTS", "NEXT", "LAST REPLY"],
            rows: items.map {
                let labels = MessageLabels($0.labels)
                return [
                    $0.id, $0.state.rawValue, labels.reference ?? "-", labels.kind ?? "-", String($0.attempts.count),
                    $0.nextAttempt.map(formatter.string(from:)) ?? "-",
                    Postroom.short($0.lastReply ?? ($0.state == .hold ? $0.reason.map { "held: \($0)" } : nil) ?? ""),
                ]
            })
    }
}

/// A line of `pals archive list --json`.
struct ArchiveRow: Encodable {
    let id: String
    let `case`: String?
    let kind: String?
    let to: String
    let subject: String
    let sentAt: Date?

    init(_ item: OutboxItem, outbox: Outbox) throws {
        id = item.id
        let labels = MessageLabels(item.labels)
        self.case = labels.reference
        kind = labels.kind
        to = item.recipient
        subject = labels.subject ?? ""
        sentAt = item.history.last { $0.state == .sent }?.at
    }

    func encode(to encoder: any Encoder) throws {
        enum Key: String, CodingKey { case id, `case`, kind, to, subject, sentAt }
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(id, forKey: .id)
        try container.encode(self.case, forKey: .case)
        try container.encode(kind, forKey: .kind)
        try container.encode(to, forKey: .to)
        try container.encode(subject, forKey: .subject)
        try container.encode(sentAt, forKey: .sentAt)
    }

    static func table(_ rows: [ArchiveRow]) -> String {
        guard !rows.isEmpty else { return "no sent messages" }
        let formatter = ISO8601DateFormatter()
        return TextTable.render(
            header: ["ID", "SENT", "CASE", "KIND", "SUBJECT"],
            rows: rows.map {
                [$0.id, $0.sentAt.map(formatter.string(from:)) ?? "-", $0.case ?? "-", $0.kind ?? "-", $0.subject]
            })
    }
}

/// A one-line progress bar on standard error, when it is a terminal.
final class ProgressLine: Sendable {
    private let total: Int
    private let enabled: Bool
    private let done = Mutex(0)

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled
    }

    func step() {
        done.withLock { count in
            count += 1
            guard enabled, total > 0 else { return }
            let width = 30
            let filled = min(width, count * width / total)
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            FileHandle.standardError.write(Data("\r[\(bar)] \(count)/\(total)".utf8))
        }
    }

    func finish() {
        if enabled, total > 0 { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
