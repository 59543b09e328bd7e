public import Foundation
public import WorkingDays
public import Primitives

/// The part of a case its deadlines depend on: read without the people's details, so a board of
/// 100,000 cases decodes no personal data at all.
public struct CaseSchedule: Sendable, Equatable {
    public var reference: String
    /// The case's permanent id (see ``Case/caseId``).
    public var caseId: String
    public var officer: String
    public var status: CaseStatus
    public var receivedAt: Date
    public var profile: ProfileID
    public var stage: Int?
    public var escalatedOn: CivilDate?
    public var complexity: String?
    public var agreedResponseDate: CivilDate?
    public var acknowledgedAt: Date?
    public var attention: CaseAttention?

    /// The civil date of receipt in Europe/London.
    public var receivedDate: CivilDate { CivilDate(receivedAt) }

    /// Whether the case is still being worked (open or waiting for consent).
    public var isOpen: Bool { status == .open || status == .awaitingConsent }
}

extension Case {
    /// The case's schedule.
    public var schedule: CaseSchedule {
        CaseSchedule(
            reference: reference, caseId: caseId, officer: officer, status: status, receivedAt: receivedAt, profile: profile,
            stage: stage, escalatedOn: escalatedOn, complexity: complexity, agreedResponseDate: agreedResponseDate,
            acknowledgedAt: acknowledgedAt, attention: attention)
    }
}
