package import Foundation
package import Primitives
package import WorkingDays

/// The part of a case its deadlines depend on: read without the people's details, so a board of
/// 100,000 cases decodes no personal data at all.
package struct CaseSchedule: Sendable, Equatable {
    package var reference: String
    /// The case's permanent id (see ``Case/caseId``).
    package var caseId: String
    package var officer: String
    package var status: CaseStatus
    package var receivedAt: Date
    package var profile: ProfileID
    package var stage: Int?
    package var escalatedOn: CivilDate?
    package var complexity: String?
    package var agreedResponseDate: CivilDate?
    package var acknowledgedAt: Date?
    package var attention: CaseAttention?
    /// The response date agreed with the complainant that moved the backstop (see ``Case/backstopAgreedDate``).
    package var backstopAgreedDate: CivilDate? = nil
    /// When the complainant was last written to (see ``Case/lastLetterAt``).
    package var lastLetterAt: Date? = nil
    /// Whether the case is a complaint or a PALS concern (a concern has its own target).
    package var kind: CaseKind = .complaint

    /// The civil date of receipt in Europe/London.
    package var receivedDate: CivilDate { CivilDate(receivedAt) }

    /// Whether the case is still being worked (open or waiting for consent).
    package var isOpen: Bool { status == .open || status == .awaitingConsent }
}

extension Case {
    /// The case's schedule.
    package var schedule: CaseSchedule {
        CaseSchedule(
            reference: reference, caseId: caseId, officer: officer, status: status, receivedAt: receivedAt,
            profile: profile,
            stage: stage, escalatedOn: escalatedOn, complexity: complexity, agreedResponseDate: agreedResponseDate,
            acknowledgedAt: acknowledgedAt, attention: attention, backstopAgreedDate: backstopAgreedDate,
            lastLetterAt: lastLetterAt, kind: kind)
    }
}
