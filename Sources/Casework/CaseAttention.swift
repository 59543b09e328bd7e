package import Foundation

/// Why a case needs an officer's attention: a typed reason with the words shown to the officer.
///
/// The register keeps it as JSON text in the `attention` column; a register written by an older pals holds plain
/// text there, which reads back as ``Kind/other`` (or as the intake or deadline reason its words begin with, so a
/// case intake gave up on stays held for its officer after an upgrade).
package struct CaseAttention: Sendable, Equatable, Codable, CustomStringConvertible {
    /// What kind of problem it is.
    package enum Kind: String, Sendable, Codable, CaseIterable {
        /// A message for the case failed for good (``CaseAttention/messageID`` names it).
        case letterFailed = "letter-failed"
        /// A message for the case is on hold for an officer (``CaseAttention/messageID`` names it).
        case letterHeld = "letter-held"
        /// Intake would not send the acknowledgement (e.g. the address is an automatic mailbox).
        case intakeRefused = "intake-refused"
        /// Intake could not make the acknowledgement (e.g. a template field is missing).
        case intakeFailed = "intake-failed"
        /// The case's deadlines cannot be computed, so it gets no reminders.
        case deadlinesNotComputed = "deadlines-not-computed"
        /// A message the server had accepted came back undelivered (``CaseAttention/messageID`` names it).
        case letterBounced = "letter-bounced"
        /// A message from the complainant came in by the team mailbox and waits to be read.
        case correspondenceReceived = "correspondence-received"
        /// Any other reason, including the plain text of a register written by an older pals.
        case other
    }

    /// What kind of problem it is.
    package var kind: Kind
    /// The outbox message it concerns, for a failed or held letter.
    package var messageID: String?
    /// The reason in words, without patient data (shown by `pals case show`).
    package var text: String

    package init(kind: Kind, messageID: String? = nil, text: String) {
        self.kind = kind
        self.messageID = messageID
        self.text = text
    }

    package var description: String { text }

    /// The words the automatic acknowledgement's reasons begin with (older registers stored only these words).
    static let intakePrefix = "automatic acknowledgement not"

    /// A message of `kind` (e.g. `holding`) failed for good.
    package static func letterFailed(kind: String, messageID: String) -> Self {
        Self(kind: .letterFailed, messageID: messageID, text: "\(kind) \(messageID) failed")
    }

    /// A message of `kind` (e.g. `holding`) is on hold for an officer.
    package static func letterHeld(kind: String, messageID: String) -> Self {
        Self(kind: .letterHeld, messageID: messageID, text: "\(kind) \(messageID) on hold")
    }

    /// A message of `kind` the server had accepted came back undelivered, with the report's `reason` (e.g.
    /// `550 5.1.1 mailbox unknown`), never the address.
    package static func letterBounced(kind: String, messageID: String, reason: String) -> Self {
        Self(kind: .letterBounced, messageID: messageID, text: "the \(kind) \(messageID) bounced: \(reason)")
    }

    /// A message from the complainant came in by the team mailbox.
    package static let correspondenceReceived = Self(
        kind: .correspondenceReceived, text: "a message from the complainant came in by the team mailbox")

    /// Intake would not send the acknowledgement, for `why`.
    package static func intakeRefused(_ why: String) -> Self {
        Self(kind: .intakeRefused, text: "\(intakePrefix) sent: \(why)")
    }

    /// Intake could not make the acknowledgement, for `why`.
    package static func intakeFailed(_ why: String) -> Self {
        Self(kind: .intakeFailed, text: "\(intakePrefix) made: \(why)")
    }

    /// The case's deadlines cannot be computed (`why` says which rule or date is wrong).
    package static func deadlinesNotComputed(_ why: String) -> Self {
        Self(kind: .deadlinesNotComputed, text: why)
    }

    /// Whether the automatic acknowledgement gave up on the case: intake leaves it to its officer until cleared.
    package var holdsIntake: Bool { kind == .intakeRefused || kind == .intakeFailed }

    /// Whether this is about the outbox message `id` (so its delivery settles it). An older register's plain
    /// text names the message in its words.
    package func concerns(messageID id: String) -> Bool {
        if let messageID { return messageID == id }
        return kind == .other && text.contains(id)
    }

    // MARK: Stored form

    /// The text kept in a register column: JSON with the kind, the message and the words.
    package var storedText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? text
    }

    /// Reads a register column: the JSON this pals writes, or the plain text an older pals wrote.
    package init(storedText: String) {
        if storedText.hasPrefix("{"),
            let decoded = try? JSONDecoder().decode(Self.self, from: Data(storedText.utf8))
        {
            self = decoded
            return
        }
        self = Self(legacyText: storedText)
    }

    /// An older register's plain text, typed by the words it begins with.
    init(legacyText text: String) {
        let kind: Kind
        if text.hasPrefix("\(Self.intakePrefix) sent") {
            kind = .intakeRefused
        } else if text.hasPrefix(Self.intakePrefix) {
            kind = .intakeFailed
        } else if text.hasPrefix("deadlines cannot be computed") || text.hasPrefix("cannot be read from the register") {
            kind = .deadlinesNotComputed
        } else {
            kind = .other
        }
        self.init(kind: kind, text: text)
    }
}
