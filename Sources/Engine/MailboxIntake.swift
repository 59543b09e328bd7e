import Casework
package import Foundation
import Letters
package import Logging
import Mail
import Outbox
import Primitives

/// What each message from the team mailbox becomes, exactly once: automatic mail is recorded and never answered;
/// a bounce of a message pals sent flags its case and tells the officer; a reply from a case's complainant is
/// added to that case and the officer told; anything else opens a case in triage and gets a receipt at once.
///
/// Every step is keyed by the message's ledger row, so a crash between the case change and the row's
/// `processed` mark repeats nothing when the row is taken again: the case history already names the row
/// (found and reused), the receipt and the alert are queued under keys (once), a bounce already recorded is not
/// recorded again. Logs name case references and ledger ids, never a person, a subject or a body.
package struct MailboxIntake: Sendable {
    let postroom: Postroom
    let guardrail: AutoReplyGuard
    let logger: Logger

    /// - Parameters:
    ///   - postroom: the workspace's letters, outbox and staff mail.
    ///   - autoMailPerRecipientPerHour: the cap on automatic mail to one sender (the workspace's
    ///     `mail.autoMailPerRecipientPerHour` when nil).
    package init(postroom: Postroom, autoMailPerRecipientPerHour: Int? = nil, logger: Logger = Logger(label: "pals")) {
        self.postroom = postroom
        let cap =
            autoMailPerRecipientPerHour
            ?? postroom.casebook.workspace.configuration.mail.autoMailPerRecipientPerHour
        self.guardrail = AutoReplyGuard(perRecipientPerHour: cap)
        self.logger = logger
    }

    init(postroom: Postroom, guardrail: AutoReplyGuard, logger: Logger) {
        self.postroom = postroom
        self.guardrail = guardrail
        self.logger = logger
    }

    var casebook: Casebook { postroom.casebook }
    var register: any CaseStore { casebook.register }

    /// Works through every pending row of `rows`, oldest first, marking each processed with what it became. A
    /// message that cannot be processed stays pending (logged by its ledger id) and the others go on.
    @discardableResult
    package func pass(_ rows: any MailboxRows) -> [MailboxOutcome] {
        let pending: [MailboxMessage]
        do {
            pending = try rows.pendingMessages()
        } catch {
            logger.error("cannot read the inbound ledger", metadata: ["error": "\(error)"])
            return []
        }
        guard !pending.isEmpty else { return [] }
        let known = knowledge()
        var outcomes: [MailboxOutcome] = []
        for message in pending {
            do {
                let outcome = try process(message, known: known)
                try rows.markProcessed(id: message.ledgerID, outcome: outcome)
                outcomes.append(outcome)
                var metadata: Logger.Metadata = ["inbound": "\(message.ledgerID)", "outcome": "\(outcome)"]
                if let reference = outcome.reference { metadata["case"] = "\(reference)" }
                logger.info("mailbox message processed", metadata: metadata)
            } catch {
                logger.error(
                    "mailbox message not processed; it is tried again",
                    metadata: ["inbound": "\(message.ledgerID)", "error": "\(error)"])
            }
        }
        postroom.sendAlerts()
        return outcomes
    }

    /// What one message becomes; records it on its case (and queues its receipt or alert). Safe to run again for
    /// the same ledger row.
    package func process(_ message: MailboxMessage, known: MailboxKnowledge? = nil) throws -> MailboxOutcome {
        switch MailboxClassifier.classify(message, known: known ?? knowledge()) {
        case .automatic(let reason):
            return .automatic(reason: reason.description)
        case .bounce(let sent, let reason):
            try recordBounce(sent, reason: reason, message: message)
            return .bounced(reference: sent.reference, outboxID: sent.outboxID)
        case .reply(let reference):
            try addCorrespondence(message, to: reference)
            return .correspondence(reference: reference)
        case .strangerReply(let reference):
            return try openTriageCase(message, named: reference)
        case .new:
            return try openTriageCase(message, named: nil)
        }
    }

    /// The answers the classifier needs, read once: every message in the outbox and archive by Message-ID.
    func knowledge() -> MailboxKnowledge {
        let items = (try? postroom.outbox.list()) ?? []
        var byMessageID: [String: SentMessage] = [:]
        var lastByCase: [String: SentMessage] = [:]
        for item in items {
            let labels = MessageLabels(item.labels)
            guard let reference = labels.reference else { continue }
            let sent = SentMessage(outboxID: item.id, reference: reference, kind: labels.kind ?? "message")
            if let id = item.messageID { byMessageID[id] = sent }
            if item.state == .sent, labels.officer == nil, labels.kind != "alert" { lastByCase[reference] = sent }
        }
        let register = self.register
        let (byID, byCase) = (byMessageID, lastByCase)
        return MailboxKnowledge(
            sentMessage: { byID[$0.trimmingCharacters(in: .whitespaces)] },
            lastSentMessage: { byCase[$0] },
            complainantAddress: { reference in
                guard let found = try? register.find(reference) else { return nil }
                return .some(found.complainant.email)
            })
    }

    // MARK: Outcomes

    /// The words every history entry about this ledger row carries, so a second try finds what the first did.
    /// In brackets, so the marker of message 1 is never found inside that of message 12.
    static func marker(_ message: MailboxMessage) -> String { "(mailbox message \(message.ledgerID))" }

    private func alreadyRecorded(_ message: MailboxMessage, on reference: String) throws -> Bool {
        let marker = Self.marker(message)
        return try register.events(for: reference).contains { $0.detail.contains(marker) }
    }

    /// The history line of a received message: the ledger row, where its raw bytes are kept, its attachments.
    static func receivedDetail(_ message: MailboxMessage, how: String) -> String {
        var detail = "\(how) \(marker(message)), kept as \(MailboxText.oneLine(message.keptPath, limit: 200))"
        if let size = message.headers.last(where: { $0.name.lowercased() == OversizeInbound.header })?.value {
            return detail + "; over the size limit (\(MailboxText.oneLine(size, limit: 20)) bytes): only its header "
                + "was taken, and the whole email, with any attachments, stays in the team mailbox"
        }
        if message.attachments.isEmpty { return detail + "; no attachments" }
        let listed = message.attachments.map { attachment in
            let name = MailboxText.oneLine(attachment.filename, limit: 80)
            return "\(name.isEmpty ? "(unnamed)" : name) (\(attachment.size) bytes) kept as "
                + MailboxText.oneLine(attachment.keptPath, limit: 200)
        }
        detail += "; attachments: " + listed.joined(separator: "; ")
        return detail
    }

    func recordBounce(_ sent: SentMessage, reason: String, message: MailboxMessage) throws {
        let reference = sent.reference
        let already = try register.events(for: reference).contains {
            $0.kind == .letterBounced && $0.detail.contains(sent.outboxID)
        }
        if !already {
            let at = casebook.clock.now()
            try register.apply(reference, now: at) { lifecycle in
                lifecycle.recordBounce(messageID: sent.outboxID, kind: sent.kind, reason: reason, at: at)
            }
            logger.warning(
                "a message pals sent bounced", metadata: ["case": "\(reference)", "message": "\(sent.outboxID)"])
        }
        try postroom.alertOfficer(
            reference: reference, key: "bounce/\(sent.outboxID)", subject: "Message bounced: \(reference)",
            body: """
                The \(sent.kind) pals sent for case \(reference) (\(sent.outboxID)) came back undelivered:

                  \(reason)

                The complainant has not received it. Please check their contact details on the case, and send it \
                again or by post once they are right.
                """)
    }

    func addCorrespondence(_ message: MailboxMessage, to reference: String) throws {
        if try !alreadyRecorded(message, on: reference) {
            let at = casebook.clock.now()
            let detail = Self.receivedDetail(message, how: "email from the complainant received")
            try register.apply(reference, now: at) { lifecycle in lifecycle.receiveCorrespondence(detail, at: at) }
        }
        try postroom.alertOfficer(
            reference: reference, key: "correspondence/\(reference)/\(message.ledgerID)",
            subject: "New email on case \(reference)",
            body: """
                The complainant of case \(reference) has written again, to the team mailbox. Their email is on the \
                case's history (`pals case show \(reference)`), with any attachments.
                """)
    }

    /// Opens a case in triage for the message (or finds the one a first try opened) and sends its receipt.
    func openTriageCase(_ message: MailboxMessage, named: String?) throws -> MailboxOutcome {
        let record = try existingTriageCase(message) ?? createTriageCase(message, named: named)
        return .triage(reference: record.reference, receipt: sendReceipt(for: record, answering: message), named: named)
    }

    private func existingTriageCase(_ message: MailboxMessage) throws -> Case? {
        for reference in try register.references(withEvent: .logged, containing: Self.marker(message)) {
            // Whatever an officer has done with it since, it is this message's case.
            if let record = try register.find(reference) { return record }
        }
        return nil
    }

    private func createTriageCase(_ message: MailboxMessage, named: String?) throws -> Case {
        let configuration = casebook.workspace.configuration
        let address = Self.usableAddress(message.fromAddress)
        var summary = MailboxText.oneLine(message.subject, limit: 200)
        if summary.isEmpty { summary = "(no subject)" }
        var form = CaseForm.fromMailbox(
            receivedAt: message.arrivedAt, senderName: message.fromName.map { MailboxText.oneLine($0, limit: 100) },
            senderAddress: address ?? "", summary: summary, profile: configuration.profile)
        if address == nil {
            form.complainant.email = nil
            form.complainant.preferredContact = .post
        }
        var how = "email received by the team mailbox"
        if let named { how += "; it names case \(named) but is not from that case's complainant" }
        if address == nil { how += "; the sender's address cannot be written to" }
        form.loggedNote = Self.receivedDetail(message, how: how)
        let created = try register.create(
            form, pattern: configuration.referencePattern, now: casebook.clock.now(),
            taken: try casebook.referencesInOutbox(received: message.arrivedAt))
        logger.notice("new case from the team mailbox, in triage", metadata: ["case": "\(created.reference)"])
        return created
    }

    /// The sender's address when pals could write to it (a valid address, one line, no machine mailbox), else nil.
    static func usableAddress(_ address: String?) -> String? {
        guard let address, !address.contains(where: \.isNewline), EmailAddress.isValid(address),
            AutoReplyGuard.refusal(for: address) == nil
        else { return nil }
        return address
    }

    // MARK: The receipt

    /// Queues the receipt of a new case once (its key is the case's): short, `Auto-Submitted: auto-replied`,
    /// threaded to the received message, our reference in the subject and never the sender's words, capped per
    /// sender.
    func sendReceipt(for record: Case, answering message: MailboxMessage) -> ReceiptOutcome {
        let key = "receipt/\(record.reference)/\(record.caseId)"
        if let existing = try? postroom.outbox.item(forKey: key) { return .queued(outboxID: existing.id) }
        guard let address = record.complainant.email, Self.usableAddress(address) != nil else {
            return .notSent(reason: "the sender's address cannot be written to")
        }
        let at = casebook.clock.now()
        guard guardrail.allow(address, at: at) else {
            logger.notice(
                "receipt not sent: automatic mail cap reached for the sender", metadata: ["case": "\(record.reference)"]
            )
            return .notSent(reason: "the cap on automatic mail to this sender was reached")
        }
        do {
            let letter = try postroom.letters.prepare(.receipt, reference: record.reference, inputs: [:])
            let configuration = casebook.workspace.configuration
            var mail = MailMessage(
                from: try configuration.teamMailbox(), to: [try Mailbox(address: address, field: "sender")],
                replyTo: try configuration.mail.replyTo.map { try Mailbox(address: $0, field: "mail.replyTo") },
                subject: letter.merged.subject, text: letter.merged.text, html: letter.html,
                autoSubmitted: .autoReplied)
            if let id = message.messageID, MailMessage.isMessageID(id) {
                mail.inReplyTo = [id]
                mail.references = Array(message.references.filter(MailMessage.isMessageID).suffix(9)) + [id]
            }
            let composed = try mail.composed(date: at, timeZone: .europeLondon)
            let labels = MessageLabels(
                reference: record.reference, caseId: record.caseId, kind: LetterKind.receipt.rawValue,
                subject: letter.merged.subject)
            let result = try postroom.outbox.queue(
                message: composed.outgoing()[0], key: key, labels: labels.dictionary, heldReason: letter.heldReason)
            if result.isNew {
                try register.apply(record.reference, now: at) { lifecycle in
                    lifecycle.record(
                        .queuedByEmail(messageID: result.item.id), kind: LetterKind.receipt.rawValue, at: at)
                    LetterQueue.recordHold(of: letter, as: result.item.id, in: &lifecycle, at: at)
                }
            }
            try postroom.letterQueue.alertHold(
                of: letter, key: key,
                next: "It is outbox message \(result.item.id): release it to send it, or cancel it.")
            return .queued(outboxID: result.item.id)
        } catch {
            guardrail.giveBack(address, at: at)
            let reason = (error as? MailError)?.description ?? error.localizedDescription
            logger.error("receipt not made", metadata: ["case": "\(record.reference)", "error": "\(reason)"])
            return .notSent(reason: MailboxText.oneLine(reason, limit: 300))
        }
    }
}

extension Daemon {
    /// One pass of the mailbox intake over the ledger's pending rows, sharing the daemon's cap on automatic mail
    /// per recipient (so a sender's receipts and acknowledgements count together); wakes the sender when
    /// anything was queued.
    @discardableResult
    package func mailboxPass(_ rows: any MailboxRows) -> [MailboxOutcome] {
        let outcomes = MailboxIntake(postroom: postroom, guardrail: guardrail, logger: logger).pass(rows)
        if !outcomes.isEmpty { mailWaiting.raise() }
        return outcomes
    }
}
