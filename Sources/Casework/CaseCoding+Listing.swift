package import Foundation
package import Primitives
package import WorkingDays

/// A case as the returns and reports see it: its kind, key dates and coding, without the people's details.
package struct CaseReportRow: Sendable, Equatable {
    package var reference: String
    /// A complaint or a PALS concern (the returns count complaints only).
    package var kind: CaseKind
    /// The jurisdiction profile of the case.
    package var profile: ProfileID
    package var status: CaseStatus
    package var officer: String
    /// When the complaint was received.
    package var receivedAt: Date
    /// When it was acknowledged (by pals's letter or outside pals), if it was.
    package var acknowledgedAt: Date?
    /// Whether it was acknowledged outside pals (e.g. by telephone).
    package var acknowledgedOutsidePals: Bool
    /// The response date agreed with the complainant, if one was.
    package var agreedResponseDate: CivilDate?
    /// When the final response (a concern's resolution) was first queued: the first `responded` event.
    package var respondedAt: Date?
    /// When the complaint was last marked withdrawn, if it was.
    package var withdrawnAt: Date?
    /// When the case was closed (cleared when it is reopened).
    package var closedAt: Date?
    /// How it is coded.
    package var coding: CaseCoding
    /// Its referrals to the ombudsman.
    package var ombudsmanReferrals: [OmbudsmanReferral]

    package init(
        reference: String, kind: CaseKind, profile: ProfileID, status: CaseStatus, officer: String, receivedAt: Date,
        acknowledgedAt: Date?, acknowledgedOutsidePals: Bool, agreedResponseDate: CivilDate?, respondedAt: Date?,
        withdrawnAt: Date?, closedAt: Date?, coding: CaseCoding, ombudsmanReferrals: [OmbudsmanReferral]
    ) {
        self.reference = reference
        self.kind = kind
        self.profile = profile
        self.status = status
        self.officer = officer
        self.receivedAt = receivedAt
        self.acknowledgedAt = acknowledgedAt
        self.acknowledgedOutsidePals = acknowledgedOutsidePals
        self.agreedResponseDate = agreedResponseDate
        self.respondedAt = respondedAt
        self.withdrawnAt = withdrawnAt
        self.closedAt = closedAt
        self.coding = coding
        self.ombudsmanReferrals = ombudsmanReferrals
    }

    /// The civil date of receipt in Europe/London.
    package var receivedDate: CivilDate { CivilDate(receivedAt) }

    /// The day the case ended, if it has: the day of its final response (a responded case), of its withdrawal (a
    /// withdrawn case), or for a closed case the earliest of its response, withdrawal and closing. A case reopened
    /// after its response keeps its first response's day once it ends again.
    package var endedOn: CivilDate? {
        let at: Date?
        switch status {
        case .closed: at = [respondedAt, withdrawnAt, closedAt].compactMap { $0 }.min()
        case .responded: at = respondedAt
        case .withdrawn: at = withdrawnAt ?? closedAt
        case .open, .awaitingConsent, .triage: at = nil
        }
        return at.map { CivilDate($0) }
    }

    /// How the case ended, if it has: its recorded outcome, or `withdrawn` for a withdrawn case not coded.
    package var endedWith: CaseOutcome? {
        guard endedOn != nil else { return nil }
        if status == .withdrawn { return coding.outcome ?? .withdrawn }
        return coding.outcome
    }
}

extension Case {
    /// The case as the returns see it, given the times of its first response and last withdrawal from its history.
    package func reportRow(respondedAt: Date?, withdrawnAt: Date?) -> CaseReportRow {
        CaseReportRow(
            reference: reference, kind: kind, profile: profile, status: status, officer: officer,
            receivedAt: receivedAt, acknowledgedAt: acknowledgedAt, acknowledgedOutsidePals: acknowledgedOutsidePals,
            agreedResponseDate: agreedResponseDate, respondedAt: respondedAt, withdrawnAt: withdrawnAt,
            closedAt: closedAt, coding: coding, ombudsmanReferrals: ombudsmanReferrals)
    }
}

/// A store that lists every case for the returns in one read (``CaseRegister`` does it in one query).
protocol CaseReportListing {
    func reportRows() throws(RegisterError) -> [CaseReportRow]
}

extension CaseStore {
    /// Every case with the dates and coding the returns and reports count, oldest received first; no personal data.
    package func reportListing() throws(RegisterError) -> [CaseReportRow] {
        if let listing = self as? any CaseReportListing { return try listing.reportRows() }
        var rows: [CaseReportRow] = []
        for record in try cases() {
            let events = try events(for: record.reference)
            rows.append(
                record.reportRow(
                    respondedAt: events.first { $0.kind == .responded }?.at,
                    withdrawnAt: events.last { $0.kind == .withdrawn }?.at))
        }
        return rows
    }
}
