import Casework
public import Foundation
import Synchronization
public import Letters
public import Mail
public import Outbox
public import Logging
public import WorkingDays

/// Where a workspace's letters become queued messages and queued messages become sent mail.
///
/// It joins the casebook, the letter desk and the outbox: queueing records the letter in the case history;
/// every move of a message is recorded there too, and a message that fails or goes on hold flags its case
/// and sends its officer an alert (never an alert about an alert).
///
/// Alerts to one officer are coalesced (``OfficerAlerts``): at most one alert per officer per ``alertWindow``,
/// listing every problem since the last one.
public struct Postroom: Sendable {
    public let casebook: Casebook
    public let letters: LetterDesk
    public let outbox: Outbox
    let logger: Logger
    /// Problems waiting to be told to their officers.
    let alerts: OfficerAlerts

    /// The file transport's folder in `Outbox/`: where mail goes when `mail.transport` is `file`.
    public static let localDeliveryFolder = "local"
    /// The print queue in `Outbox/`: PDF letters for complainants who are written to by post.
    public static let printFolder = "print"

    /// The shortest time between two alerts to one officer: 15 minutes. The first problem is told at once; those
    /// that follow within the window wait for its end and go in one alert.
    public static let defaultAlertWindow: TimeInterval = 15 * 60

    /// - Parameters:
    ///   - alertWindow: the shortest time between two alerts to one officer, in seconds.
    public init(
        casebook: Casebook, logger: Logger = Logger(label: "pals"), alertWindow: TimeInterval = Self.defaultAlertWindow
    ) throws {
        self.casebook = casebook
        letters = try LetterDesk(casebook: casebook)
        let clock = casebook.clock
        outbox = try Outbox(folder: casebook.workspace.outboxURL, clock: OutboxClock { clock.now() })
        self.logger = logger
        alerts = OfficerAlerts(window: alertWindow)
    }

    private var configuration: WorkspaceConfiguration { casebook.workspace.configuration }
    private var register: CaseRegister { casebook.register }

    // MARK: Queueing letters

    /// What queueing a letter did.
    public enum Queued: Sendable {
        /// An email was queued (or had been queued before under the same key).
        case email(OutboxItem, isNew: Bool)
        /// A PDF was put in the print queue for posting.
        case print(URL, isNew: Bool)
    }

    /// Queues a letter for a case: by email when the complainant prefers email, else as a PDF in the print
    /// queue with the officer told. The key makes it happen once; the case history records it.
    @discardableResult
    public func queue(_ letter: PreparedLetter, key: String) throws -> Queued {
        let now = casebook.clock.now()
        switch letter.delivery {
        case .email:
            let composed = try letters.compose(letter, date: now)
            let caseId = try register.get(letter.reference).caseId
            let labels = [
                "case": letter.reference, "caseId": caseId, "kind": letter.kind.rawValue, "subject": letter.merged.subject,
            ]
            let results = try composed.outgoing().map { message in
                try outbox.queue(message: message, key: key, labels: labels)
            }
            let result = results[0]
            if result.isNew {
                try register.record(
                    CaseEvent(at: now, kind: "letter-queued", detail: "\(letter.kind.rawValue) queued by email as \(result.item.id)"),
                    for: letter.reference)
                logger.info("letter queued", metadata: ["case": "\(letter.reference)", "kind": "\(letter.kind)", "message": "\(result.item.id)"])
            }
            return .email(result.item, isNew: result.isNew)
        case .post:
            let printFolder = casebook.workspace.outboxURL.appending(path: Self.printFolder)
            try PrivateFiles.makeFolder(printFolder)
            try Files.checkRealFolder(printFolder.path)  // a link planted here would put letters elsewhere
            let file = printFile(key: key, reference: letter.reference, kind: letter.kind)
            let isNew = !FileManager.default.fileExists(atPath: file.path)
            if isNew {
                try PrivateFiles.write(try letter.pdf(), to: file)
                try register.record(
                    CaseEvent(at: now, kind: "letter-printed", detail: "\(letter.kind.rawValue) placed in the print queue as \(file.lastPathComponent)"),
                    for: letter.reference)
                logger.info("letter placed in the print queue", metadata: ["case": "\(letter.reference)", "kind": "\(letter.kind)"])
            }
            // Also when the file was there: a retry after a failed alert must still tell the officer (the key
            // makes it once).
            try alertOfficer(
                reference: letter.reference, key: "print/\(key)",
                subject: "Letter to post: \(letter.reference)",
                body: "A \(letter.kind.rawValue) letter for case \(letter.reference) is waiting in the print queue:\n\n  \(file.path)\n\nPlease print it and post it today.")
            return .print(file, isNew: isNew)
        }
    }

    /// A letter's file in the print queue: named by the reference, the kind and the key, never by a person.
    func printFile(key: String, reference: String, kind: LetterKind) -> URL {
        let safe = String(key.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" })
        return casebook.workspace.outboxURL.appending(path: "\(Self.printFolder)/\(reference)-\(kind.rawValue)-\(safe).pdf")
    }

    /// Tells a case's officer of a problem (an alert, a print request); never about an alert.
    ///
    /// The problem joins the officer's pending alerts, queued by ``sendAlerts(force:)``: at the end of every
    /// sender pass, or at once by a one-shot command. An alert of one problem is queued under `key`, so it is
    /// queued once whatever restarts happen; one of several problems is keyed by all their keys.
    public func alertOfficer(reference: String, key: String, subject: String, body: String) throws {
        let record = try register.get(reference)
        guard configuration.officer(record.officer) != nil else { return }
        alerts.add(OfficerAlerts.Problem(key: key, reference: reference, caseId: record.caseId, subject: subject, body: body),
                   for: record.officer)
    }

    /// Queues the pending alerts of every officer whose window has passed (every officer when `force`): one
    /// message per officer listing every problem since the last. Returns how many messages were queued.
    ///
    /// Problems whose alert cannot be queued stay pending and are tried again at the next call.
    @discardableResult
    public func sendAlerts(force: Bool = false) -> Int {
        let now = casebook.clock.now()
        var queued = 0
        for (officerID, problems) in alerts.take(now: now, force: force) {
            guard let officer = configuration.officer(officerID) else { continue }
            let (key, subject, body, labels) = OfficerAlerts.compose(problems, officer: officerID)
            do {
                try notify(to: officer.email, name: officer.name, key: key, subject: subject, body: body, labels: labels)
                queued += 1
                logger.notice("officer alerted", metadata: ["officer": "\(officerID)", "problems": "\(problems.count)", "cases": "\(Set(problems.map(\.reference)).sorted().joined(separator: ","))"])
            } catch {
                alerts.putBack(problems, for: officerID)
                logger.error("could not queue an officer's alert; it is tried again", metadata: ["officer": "\(officerID)", "error": "\(error)"])
            }
        }
        return queued
    }

    /// Queues a message to staff (alerts, reminders, digests), marked Auto-Submitted: auto-generated.
    public func notify(
        to address: String, name: String?, key: String, subject: String, body: String, html: String? = nil,
        labels: [String: String]
    ) throws {
        let message = MailMessage(
            from: try configuration.teamMailbox(),
            to: [try Mailbox(displayName: name, address: address, field: "officer email")],
            subject: subject, text: body, html: html, autoSubmitted: .autoGenerated)
        let composed = try message.composed(date: casebook.clock.now())
        var labels = labels
        labels["subject"] = subject
        for outgoing in composed.outgoing() {
            _ = try outbox.queue(message: outgoing, key: key, labels: labels)
        }
    }

    /// Queues a letter an officer writes (`pals letter`): a holding letter moves the agreed response date, a
    /// resolution marks the case responded. Running the same command twice on one day queues it once.
    @discardableResult
    public func sendLetter(_ kind: LetterKind, reference: String, inputs: [String: String]) throws -> Queued {
        let record = try register.get(reference)
        let fingerprint = inputs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\u{1F}")
        let key = "letter/\(reference)/\(record.caseId)/\(kind.rawValue)/\(casebook.clock.today().iso)/\(Self.hash(fingerprint))"
        if let existing = try outbox.item(forKey: key) { return .email(existing, isNew: false) }
        let printed = printFile(key: key, reference: reference, kind: kind)
        if FileManager.default.fileExists(atPath: printed.path) { return .print(printed, isNew: false) }
        let letter = try letters.prepare(kind, reference: reference, inputs: inputs)
        let result = try queue(letter, key: key)
        sendAlerts(force: true)  // a one-shot command: the print request cannot wait for a sender pass
        let isNew: Bool
        switch result {
        case .email(_, let new), .print(_, let new): isNew = new
        }
        guard isNew else { return result }
        let now = casebook.clock.now()
        if let holding = letter.holding {
            try register.update(reference, now: now, event: CaseEvent(at: now, kind: "extended", detail: "response date moved to \(holding.newDate.iso) by a holding letter (extension \(record.extensions + 1)): \(holding.reason)")) {
                $0.agreedResponseDate = holding.newDate
                $0.extensions += 1
            }
        } else if kind == .acknowledgement {
            try register.update(reference, now: now, event: CaseEvent(at: now, kind: "acknowledged", detail: "acknowledgement queued by an officer")) {
                $0.acknowledgedAt = now
            }
        } else if kind == .resolution {
            try register.update(reference, now: now, event: CaseEvent(at: now, kind: "responded", detail: "resolution letter queued")) {
                $0.status = .responded
            }
        }
        return result
    }

    /// How long a closed case's correspondence is kept: 10 years after closure.
    public static let retentionMonths = 120

    /// `pals archive purge`: removes the correspondence of cases closed before `day`. A day within the retention
    /// period is refused unless `force`; returns the ids removed (or that would be, for a dry run) and the cases.
    public func purgeClosed(before day: CivilDate, dryRun: Bool, force: Bool) throws -> (ids: [String], cases: Int) {
        let limit = casebook.clock.today().adding(months: -Self.retentionMonths)
        if day > limit, !force {
            throw LetterDeskError(message: "--closed-before \(day.iso) is within the 10-year retention period (cases closed before \(limit.iso) may be purged); add --force to override")
        }
        let closed = Set(try register.cases(CaseFilter(status: .closed)).filter {
            guard let at = $0.closedAt else { return false }
            return CivilDate(at) < day
        }.map(\.reference))
        let report = try outbox.archive.purge(where: { labels in labels["case"].map(closed.contains) ?? false }, dryRun: dryRun)
        if !dryRun, !report.ids.isEmpty {
            logger.notice("archive purged", metadata: ["messages": "\(report.ids.count)", "cases": "\(closed.count)"])
        }
        return (report.ids, closed.count)
    }

    /// A short stable hash (FNV-1a, hex) of a text.
    public static func hash(_ text: String) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01b3
        }
        return String(value, radix: 16)
    }

    // MARK: Sending

    /// The transport the configuration chooses: the file transport into `Outbox/local/`, or SMTP through libcurl.
    public func transport() throws -> any MailTransport {
        let mail = configuration.mail
        switch mail.transport {
        case .file:
            return FileTransport(folder: casebook.workspace.outboxURL.appending(path: Self.localDeliveryFolder))
        case .smtp:
            return try CurlSMTPTransport(configuration: try configuration.smtpConfiguration())
        }
    }

    /// The retry policy of the configuration.
    public var retryPolicy: BackoffRetryPolicy {
        let retry = configuration.mail.retry
        return BackoffRetryPolicy(
            firstBackoff: .seconds(retry.firstDelay), maximumBackoff: .seconds(retry.maxDelay),
            lifetime: .seconds(retry.giveUpAfter))
    }

    /// A sender over the configured transport whose every move is recorded on the case, and which queues the
    /// officers' coalesced alerts at the end of each pass.
    /// - Parameters:
    ///   - observe: told of every move, after it was recorded on its case.
    ///   - recordFailed: told of every move that could not be recorded on its case (the register or the alert
    ///     failed), so a command can report it rather than claim success.
    public func sender(
        lanes: Int? = nil, batchSize: Int = 10, transport: (any MailTransport)? = nil,
        observe: (@Sendable (OutboxEvent) -> Void)? = nil,
        recordFailed: (@Sendable (OutboxEvent, any Error) -> Void)? = nil
    ) throws -> OutboxSender {
        let chosen = try transport ?? self.transport()
        let postroom = self
        return try OutboxSender(
            outbox: outbox, transport: chosen, policy: retryPolicy, lanes: lanes ?? configuration.mail.smtp.lanes,
            batchSize: batchSize,
            observer: { event in
                do {
                    try postroom.record(event)
                } catch {
                    recordFailed?(event, error)
                }
                observe?(event)
            },
            afterPass: { postroom.sendAlerts() })
    }

    /// Records a move of a message on its case; flags the case and notes an alert for the officer when it failed
    /// or is held.
    /// - Throws: what the register or the alert threw (also logged, with the case reference).
    func record(_ event: OutboxEvent) throws {
        guard let reference = event.labels["case"] else { return }
        let kind = event.labels["kind"] ?? "message"
        let now = casebook.clock.now()
        let reason = event.reason ?? event.reply ?? ""
        var metadata: Logger.Metadata = ["case": "\(reference)", "kind": "\(kind)", "message": "\(event.id)"]
        do {
            switch event.kind {
            case .delivered:
                try register.update(reference, now: now, event: CaseEvent(at: now, kind: "letter-sent", detail: "\(kind) \(event.id) accepted: \(Self.short(event.reply ?? ""))")) { record in
                    if record.attention?.contains(event.id) == true { record.attention = nil }
                }
                logger.info("message delivered", metadata: metadata)
            case .deferred:
                try register.record(CaseEvent(at: now, kind: "letter-deferred", detail: "\(kind) \(event.id) will be retried: \(Self.short(reason))"), for: reference)
                metadata["next"] = "\(event.nextAttempt.map { ISO8601DateFormatter().string(from: $0) } ?? "")"
                logger.notice("message deferred", metadata: metadata)
            case .failed, .held:
                let state = event.kind == .failed ? "failed" : "on hold"
                try register.update(reference, now: now, event: CaseEvent(at: now, kind: "letter-\(event.kind == .failed ? "failed" : "held")", detail: "\(kind) \(event.id) \(state): \(Self.short(reason))")) { record in
                    record.attention = "\(kind) \(event.id) \(state)"
                }
                logger.warning("message \(state)", metadata: metadata)
                if kind != "alert" {
                    try alertOfficer(
                        reference: reference, key: "alert/\(event.id)/\(event.kind.rawValue)",
                        subject: "Undelivered \(kind): \(reference)",
                        body: """
                            The \(kind) for case \(reference) is \(state).

                            Message: \(event.id)
                            Reason: \(Self.short(reason))

                            See `pals outbox show \(event.id)`; `pals outbox retry` or `release` sends it again, `cancel` drops it.
                            """)
                }
            }
        } catch {
            logger.error("could not record a message move on its case", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            throw error
        }
    }

    /// A server reply shortened to one line.
    public static func short(_ reply: String) -> String {
        let line = reply.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count > 200 ? String(line.prefix(200)) + "…" : line
    }
}

extension Postroom {
    /// Queues an officer's daily digest of amber and red deadlines (the `reminder-digest` letter).
    public func queueDigest(for officer: WorkspaceConfiguration.Officer, items: [DueItem], key: String) throws {
        let merged = try letters.mergeDigest(officerName: officer.name, items: items)
        try notify(
            to: officer.email, name: officer.name, key: key, subject: merged.subject, body: merged.text,
            html: merged.html, labels: ["kind": "reminder-digest", "officer": officer.id])
    }
}

/// Problems waiting to be told to officers, coalesced per officer.
///
/// The choice, as a mail administrator would make it: an officer hears of the first problem at once (the end of
/// the sender pass that found it), then at most once per window, in one alert listing every problem since the
/// last; a burst (16 messages held by one server outage) is one alert. The pending list lives in memory: after a
/// restart the cases are still flagged and the messages still held or failed (`pals status`, `outbox list`), and
/// an alert that was queued is never queued twice, because its key is made from the keys of the problems it lists.
final class OfficerAlerts: Sendable {
    /// One thing an officer must look at.
    struct Problem: Sendable, Hashable {
        /// Its own idempotency key (such as `alert/<message id>/held`).
        var key: String
        /// The case it concerns.
        var reference: String
        /// That case's permanent id (the reference alone could in principle be issued again).
        var caseId: String
        /// A one-line summary naming the case reference only.
        var subject: String
        /// What happened and what to do.
        var body: String
    }

    private struct State: Sendable {
        var pending: [String: [Problem]] = [:]
        var lastSent: [String: Date] = [:]
    }

    /// The shortest time between two alerts to one officer, in seconds.
    let window: TimeInterval
    private let state = Mutex(State())

    init(window: TimeInterval) {
        self.window = window
    }

    /// Adds a problem for an officer (once: the same key twice is one problem).
    func add(_ problem: Problem, for officer: String) {
        state.withLock { state in
            if state.pending[officer, default: []].contains(where: { $0.key == problem.key }) { return }
            state.pending[officer, default: []].append(problem)
        }
    }

    /// Puts back problems whose alert could not be queued (without counting it as sent).
    func putBack(_ problems: [Problem], for officer: String) {
        state.withLock { state in
            state.lastSent[officer] = nil
            let known = Set(state.pending[officer, default: []].map(\.key))
            state.pending[officer, default: []].insert(contentsOf: problems.filter { !known.contains($0.key) }, at: 0)
        }
    }

    /// The problems of every officer whose window has passed since their last alert (all when `force`), taken out
    /// of the pending list and counted as sent now.
    func take(now: Date, force: Bool) -> [(officer: String, problems: [Problem])] {
        state.withLock { state in
            var due: [(String, [Problem])] = []
            for (officer, problems) in state.pending.sorted(by: { $0.key < $1.key }) where !problems.isEmpty {
                if !force, let last = state.lastSent[officer], now.timeIntervalSince(last) < window { continue }
                due.append((officer, problems))
                state.pending[officer] = nil
                state.lastSent[officer] = now
            }
            return due
        }
    }

    /// How many problems wait for an officer.
    func pendingCount(for officer: String) -> Int {
        state.withLock { $0.pending[officer]?.count ?? 0 }
    }

    /// The alert for a list of problems: one problem keeps its own key, subject and body; several are listed in
    /// one message keyed by all their keys. Subjects carry case references only.
    static func compose(_ problems: [Problem], officer: String) -> (
        key: String, subject: String, body: String, labels: [String: String]
    ) {
        if problems.count == 1, let only = problems.first {
            return (only.key, only.subject, only.body, ["case": only.reference, "caseId": only.caseId, "kind": "alert"])
        }
        let keys = problems.map(\.key).sorted().joined(separator: "\n")
        let references = problems.map(\.reference).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let cases = references.count == 1 ? "case \(references[0])" : "\(references.count) cases"
        let subject = "Attention needed: \(problems.count) problems (\(cases))"
        var body = "pals found \(problems.count) problems that need you (\(cases)):\n"
        for (index, problem) in problems.enumerated() {
            let indented = problem.body.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.isEmpty ? "" : "   " + $0 }.joined(separator: "\n")
            body += "\n\(index + 1). \(problem.subject)\n\(indented)\n"
        }
        return ("alerts/\(officer)/\(Postroom.hash(keys))", subject, body, ["kind": "alert", "officer": officer])
    }
}
