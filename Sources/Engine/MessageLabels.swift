/// The labels pals keeps with each outbox message, typed: the outbox itself stores them as a free-form
/// `[String: String]` (it knows nothing of cases), and this is the one place that names the keys.
package struct MessageLabels: Sendable, Equatable, Hashable {
    /// The label keys, as the outbox stores them.
    package enum Key: String, Sendable, CaseIterable {
        case reference = "case"
        case caseId
        case kind
        case subject
        case officer
        case effect
    }

    /// The case reference (`case`), e.g. `PALS-2026-0042`.
    package var reference: String?
    /// The case's permanent id (`caseId`).
    package var caseId: String?
    /// What the message is (`kind`): a letter kind (`acknowledgement`, `holding`, …), `alert`, `due-today`, ….
    package var kind: String?
    /// The subject line (`subject`), which never names a person.
    package var subject: String?
    /// The officer a staff message is for (`officer`), by id.
    package var officer: String?
    /// What a held letter does to its case once delivered (`effect`): see ``HeldLetterEffect``.
    package var effect: String?

    package init(
        reference: String? = nil, caseId: String? = nil, kind: String? = nil, subject: String? = nil,
        officer: String? = nil
    ) {
        self.reference = reference
        self.caseId = caseId
        self.kind = kind
        self.subject = subject
        self.officer = officer
    }

    /// The labels of an outbox message; keys pals does not know are left out.
    package init(_ labels: [String: String]) {
        reference = labels[Key.reference.rawValue]
        caseId = labels[Key.caseId.rawValue]
        kind = labels[Key.kind.rawValue]
        subject = labels[Key.subject.rawValue]
        officer = labels[Key.officer.rawValue]
        effect = labels[Key.effect.rawValue]
    }

    /// The labels as the outbox stores them: only the keys that have a value.
    package var dictionary: [String: String] {
        var labels: [String: String] = [:]
        labels[Key.reference.rawValue] = reference
        labels[Key.caseId.rawValue] = caseId
        labels[Key.kind.rawValue] = kind
        labels[Key.subject.rawValue] = subject
        labels[Key.officer.rawValue] = officer
        labels[Key.effect.rawValue] = effect
        return labels
    }

    /// The labels of every message of the case `reference`: what the outbox and archive filter by.
    package static func forCase(_ reference: String) -> [String: String] {
        MessageLabels(reference: reference).dictionary
    }
}
