import Foundation

/// What a message from the team mailbox is, decided by ``MailboxClassifier/classify(_:known:)``.
package enum MailboxClassification: Sendable, Equatable {
    /// Mail written by a program (an auto-reply, a list, a server's report we cannot match): recorded, never
    /// answered.
    case automatic(AutomaticMailReason)
    /// A delivery-status report saying a message pals sent was not delivered.
    case bounce(SentMessage, reason: String)
    /// A reply about an existing case from that case's complainant.
    case reply(reference: String)
    /// A message naming an existing case (by reference or thread) from someone who is not its complainant: a new
    /// case in triage, whose history says which case it named, for an officer to judge.
    case strangerReply(reference: String)
    /// Anything else: a new case in triage.
    case new
}

/// Why a message counts as automatic mail (the loop-detection union of RT, Zammad and FreeScout; RFC 3834).
package enum AutomaticMailReason: Sendable, Equatable, CustomStringConvertible {
    /// `Auto-Submitted` with a value other than `no`.
    case autoSubmitted(String)
    /// `Precedence: bulk`, `junk` or `list`.
    case precedence(String)
    /// A `List-Id` header: mail from a mailing list.
    case mailingList
    /// An `X-Autoreply`, `X-Autorespond` or `X-Auto-Response-Suppress` header (the header's name).
    case autoReplyHeader(String)
    /// An empty `Return-Path` (`<>`): the null sender of bounces and other automatic mail.
    case nullReturnPath
    /// A machine sender (mailer-daemon, postmaster, noreply…): AutoReplyGuard's words.
    case machineSender(String)
    /// A delivery-status report about no message pals sent (or one saying a delivery is only delayed).
    case unmatchedDeliveryReport

    package var description: String {
        switch self {
        case .autoSubmitted(let value): "Auto-Submitted: \(value)"
        case .precedence(let value): "Precedence: \(value)"
        case .mailingList: "a mailing list message (List-Id)"
        case .autoReplyHeader(let name): "an automatic reply (\(name))"
        case .nullReturnPath: "an empty Return-Path (<>)"
        case .machineSender(let why): why
        case .unmatchedDeliveryReport: "a delivery report about no message pals sent as failed"
        }
    }
}

/// A message pals sent (in the outbox or its sent archive), as the intake rules need it.
package struct SentMessage: Sendable, Equatable {
    /// The outbox message id.
    package var outboxID: String
    /// The case it was for.
    package var reference: String
    /// What it was (`acknowledgement`, `receipt`, `holding`, …).
    package var kind: String

    package init(outboxID: String, reference: String, kind: String) {
        self.outboxID = outboxID
        self.reference = reference
        self.kind = kind
    }
}

/// What the classifier may look up: the messages pals sent and the cases it holds. Passed in, so the rules are a
/// pure function of the message and these answers.
package struct MailboxKnowledge: Sendable {
    /// The message pals sent with this Message-ID (angle brackets included), if any.
    package var sentMessage: @Sendable (_ messageID: String) -> SentMessage?
    /// The last message pals sent for the case with this reference, if any.
    package var lastSentMessage: @Sendable (_ reference: String) -> SentMessage?
    /// The complainant's email address of the case with this reference; `.some(nil)` for a case with no address,
    /// `nil` when there is no such case.
    package var complainantAddress: @Sendable (_ reference: String) -> String??

    package init(
        sentMessage: @escaping @Sendable (String) -> SentMessage?,
        lastSentMessage: @escaping @Sendable (String) -> SentMessage?,
        complainantAddress: @escaping @Sendable (String) -> String??
    ) {
        self.sentMessage = sentMessage
        self.lastSentMessage = lastSentMessage
        self.complainantAddress = complainantAddress
    }
}

/// The rules that say what a message from the team mailbox is.
package enum MailboxClassifier {
    /// Classifies a message, in this order: a delivery-status report (a bounce of a message pals sent, else
    /// automatic); automatic mail by its headers or sender; a reply about a case (by thread, then by reference in
    /// the subject), from its complainant or from someone else; else new.
    ///
    /// The order matters: a report comes from a machine sender, and an automatic reply naming our reference must
    /// never land on a case as the complainant's words (nor be answered).
    package static func classify(_ message: MailboxMessage, known: MailboxKnowledge) -> MailboxClassification {
        if let report = message.deliveryReport {
            guard report.isFailure else { return .automatic(.unmatchedDeliveryReport) }
            if let sent = returnedMessage(report, known: known) {
                return .bounce(sent, reason: bounceReason(report))
            }
            return .automatic(.unmatchedDeliveryReport)
        }
        if let reason = automaticReason(message) { return .automatic(reason) }
        guard let reference = namedCase(message, known: known) else { return .new }
        guard let sender = message.fromAddress, let complainant = known.complainantAddress(reference) ?? nil,
            sameMailbox(sender, complainant)
        else { return .strangerReply(reference: reference) }
        return .reply(reference: reference)
    }

    /// Why the message is automatic mail, or `nil` for mail a person wrote.
    package static func automaticReason(_ message: MailboxMessage) -> AutomaticMailReason? {
        for value in message.header("Auto-Submitted") {
            let token = firstToken(value)
            if token != "no" { return .autoSubmitted(token.isEmpty ? "(empty)" : token) }
        }
        for value in message.header("Precedence") {
            let token = firstToken(value)
            if ["bulk", "junk", "list"].contains(token) { return .precedence(token) }
        }
        if !message.header("List-Id").isEmpty { return .mailingList }
        for name in ["X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"] where !message.header(name).isEmpty {
            return .autoReplyHeader(name)
        }
        for value in message.header("Return-Path") {
            let inner = value.filter { !$0.isWhitespace && $0 != "<" && $0 != ">" }
            if inner.isEmpty { return .nullReturnPath }
        }
        if let sender = message.fromAddress, let why = AutoReplyGuard.refusal(for: sender) {
            return .machineSender(why)
        }
        return nil
    }

    /// The case a message names: the thread (In-Reply-To, then References, newest first) naming a message pals
    /// sent, else a case reference in the subject.
    static func namedCase(_ message: MailboxMessage, known: MailboxKnowledge) -> String? {
        for id in message.inReplyTo + message.references.reversed() {
            if let sent = known.sentMessage(id) { return sent.reference }
        }
        for candidate in referenceCandidates(in: message.subject) where known.complainantAddress(candidate) != nil {
            return candidate
        }
        return nil
    }

    /// Words of a subject that could be case references (letters, digits, `-`, `/`, `_`, with a digit), at most
    /// eight of them, so a long hostile subject costs eight look-ups at most.
    static func referenceCandidates(in subject: String) -> [String] {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-/_")
        let words = subject.split { !allowed.contains($0) }.map { String($0).uppercased() }
        let trimmed = words.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "-/_")) }
        return Array(
            trimmed.filter { word in word.count >= 3 && word.count <= 40 && word.contains { $0.isNumber } }
                .prefix(8))
    }

    /// The message pals sent that a report returns: by the returned Message-ID, else by a case reference in the
    /// returned Subject (the last message sent for that case).
    static func returnedMessage(_ report: MailboxDeliveryReport, known: MailboxKnowledge) -> SentMessage? {
        var ids: [String] = []
        if let id = report.originalMessageID { ids.append(id) }
        ids += report.originalHeaders.filter { $0.name.caseInsensitiveCompare("Message-ID") == .orderedSame }
            .map { $0.value.trimmingCharacters(in: .whitespaces) }
        for id in ids {
            if let sent = known.sentMessage(id) { return sent }
        }
        let subjects = report.originalHeaders.filter { $0.name.caseInsensitiveCompare("Subject") == .orderedSame }
        for subject in subjects {
            for candidate in referenceCandidates(in: subject.value) {
                if let sent = known.lastSentMessage(candidate) { return sent }
            }
        }
        return nil
    }

    /// The report's reason in one short line without addresses: the diagnostic's SMTP reply (`550 5.1.1 …`),
    /// else the status code.
    static func bounceReason(_ report: MailboxDeliveryReport) -> String {
        if var diagnostic = report.diagnostic {
            if let semicolon = diagnostic.firstIndex(of: ";") {
                diagnostic = String(diagnostic[diagnostic.index(after: semicolon)...])
            }
            return MailboxText.oneLine(MailboxText.withoutAddresses(diagnostic), limit: 160)
        }
        return "status \(MailboxText.oneLine(report.status ?? "unknown", limit: 20))"
    }

    /// Whether two addresses reach the same mailbox (AutoReplyGuard's rule: quotes and `+tags` aside, any case).
    static func sameMailbox(_ one: String, _ other: String) -> Bool {
        let (a, b) = (AutoReplyGuard.mailbox(of: one), AutoReplyGuard.mailbox(of: other))
        return !a.local.isEmpty && !a.domain.isEmpty && a == b
    }

    private static func firstToken(_ value: String) -> String {
        let token = value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return token.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}

/// Making text from a received message safe to keep in a case and a log line.
enum MailboxText {
    /// One line: control characters (CR, LF, tab, NUL, C1, bidi overrides…) become spaces, runs of space
    /// collapse, and it is cut to `limit` characters with an ellipsis.
    static func oneLine(_ text: String, limit: Int) -> String {
        var out = ""
        var lastSpace = true
        for scalar in text.unicodeScalars {
            let isControl =
                scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
                || scalar == "\u{2028}" || scalar == "\u{2029}"
            if isControl || scalar.properties.isWhitespace {
                if !lastSpace { out.unicodeScalars.append(" ") }
                lastSpace = true
            } else {
                out.unicodeScalars.append(scalar)
                lastSpace = false
            }
        }
        let trimmed = out.trimmingCharacters(in: .whitespaces)
        guard trimmed.count > limit else { return trimmed }
        return String(trimmed.prefix(limit - 1)) + "…"
    }

    /// The text with every word that looks like an address (`x@y`) replaced by `…@…`.
    static func withoutAddresses(_ text: String) -> String {
        text.split(separator: " ", omittingEmptySubsequences: false)
            .map { $0.contains("@") ? "…@…" : String($0) }.joined(separator: " ")
    }
}
