package import Foundation
package import Primitives

extension CaseLifecycle {
    /// Records the case's coding (`coded` event). An outcome is refused while the case is still being worked
    /// (open, awaiting consent or in triage): only a responded, withdrawn or closed case has one.
    /// - Parameter coding: the whole coding as it is to stand (the caller merges a partial change first).
    package mutating func code(_ coding: CaseCoding, at: Date) throws(CaseCodingError) {
        let reference = record.reference
        if coding.outcome != nil, coding.outcome != record.coding.outcome, Self.isBeingWorked(record.status) {
            throw .outcomeWhileOpen(reference, status: record.status)
        }
        guard coding != record.coding else { return }
        change(.coded, Self.describe(coding), at: at) { $0.coding = coding }
    }

    /// Closes the case with its outcome. A complaint needs one (the returns count every complaint that ends by its
    /// outcome); a withdrawn complaint closes as withdrawn unless another outcome is given. A PALS concern may
    /// close without one: it is not a complaint under the regulations and no return counts its finding.
    package mutating func close(outcome: CaseOutcome?, at: Date) throws {
        let outcome = outcome ?? (record.status == .withdrawn ? .withdrawn : record.coding.outcome)
        if record.kind == .complaint, outcome == nil, allows(.close) {
            throw CaseCodingError.outcomeNeeded(record.reference)
        }
        if let outcome, outcome != record.coding.outcome {
            change(.coded, "outcome \(outcome.rawValue)", at: at) { $0.coding.outcome = outcome }
        }
        try close(at: at)
    }

    /// Records that the complaint was referred to the ombudsman on `day` (`ombudsman` event). Refused for a PALS
    /// concern, before the day of receipt, or while an earlier referral is still undecided.
    package mutating func referToOmbudsman(on day: CivilDate, at: Date) throws(CaseCodingError) {
        let reference = record.reference
        guard record.kind == .complaint else { throw .concernToOmbudsman(reference) }
        guard day >= record.receivedDate else {
            throw .dateBefore(reference, "the referral to the ombudsman", day, "its receipt", record.receivedDate)
        }
        if let open = record.ombudsmanReferrals.last, !open.isDecided {
            throw .referralUndecided(reference, open.referredOn)
        }
        change(.ombudsman, "referred to the ombudsman on \(day.iso)", at: at) {
            $0.ombudsmanReferrals.append(OmbudsmanReferral(referredOn: day))
        }
    }

    /// Records the ombudsman's decision on the latest referral (`ombudsman` event). Refused when there is no
    /// undecided referral, or for a day before the referral.
    package mutating func recordOmbudsmanResult(
        _ result: OmbudsmanResult, on day: CivilDate, at: Date
    ) throws(CaseCodingError) {
        let reference = record.reference
        guard let index = record.ombudsmanReferrals.indices.last, !record.ombudsmanReferrals[index].isDecided else {
            throw .noReferral(reference)
        }
        let referredOn = record.ombudsmanReferrals[index].referredOn
        guard day >= referredOn else {
            throw .dateBefore(reference, "the ombudsman's result", day, "the referral", referredOn)
        }
        change(.ombudsman, "ombudsman's result \(result.rawValue) on \(day.iso)", at: at) {
            $0.ombudsmanReferrals[index].result = result
            $0.ombudsmanReferrals[index].resultOn = day
        }
    }

    private static func isBeingWorked(_ status: CaseStatus) -> Bool {
        status == .open || status == .awaitingConsent || status == .triage
    }

    /// The coding in a history line: category ids and fixed values only, never words someone typed.
    private static func describe(_ coding: CaseCoding) -> String {
        var parts: [String] = []
        if let outcome = coding.outcome { parts.append("outcome \(outcome.rawValue)") }
        if !coding.subjects.isEmpty { parts.append("subjects \(coding.subjects.joined(separator: ", "))") }
        if !coding.serviceAreas.isEmpty {
            parts.append("service areas \(coding.serviceAreas.joined(separator: ", "))")
        }
        if !coding.professions.isEmpty { parts.append("professions \(coding.professions.joined(separator: ", "))") }
        if let status = coding.complainantStatus { parts.append("complainant \(status.rawValue)") }
        if let band = coding.ageBand { parts.append("age band \(band.rawValue)") }
        return parts.isEmpty ? "coding cleared" : "coded: " + parts.joined(separator: "; ")
    }
}

/// A change of a case's coding or ombudsman referrals that is refused, with words a person can act on.
package struct CaseCodingError: PalsError, Equatable {
    package typealias Code = ErrorCode<CaseCodingError>
    package static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }

    package let code: Code
    /// The case concerned.
    package let reference: String
    package let message: String
    /// The reason for a log: the message without any value someone typed.
    private let safeReason: String?

    private init(code: Code, reference: String, message: String, safeReason: String? = nil) {
        self.code = code
        self.reference = reference
        self.message = message
        self.safeReason = safeReason
    }

    package var errorDescription: String? { message }
    package var description: String { logDescription }
    package var logContext: [(name: String, value: String)] { [("case", reference)] }
    package var logReason: String? { safeReason ?? message }

    /// An outcome was given for a case still being worked.
    static func outcomeWhileOpen(_ reference: String, status: CaseStatus) -> Self {
        Self(
            code: .outcomeWhileOpen, reference: reference,
            message: "case \(reference) is still \(status.rawValue): an outcome is recorded when the complaint "
                + "is responded to, withdrawn or closed")
    }

    /// A complaint was closed without an outcome.
    static func outcomeNeeded(_ reference: String) -> Self {
        Self(
            code: .outcomeNeeded, reference: reference,
            message: "case \(reference) is a complaint and needs its outcome to close: one of "
                + CaseOutcome.allCases.map(\.rawValue).joined(separator: ", "))
    }

    /// A PALS concern cannot be referred to the ombudsman.
    static func concernToOmbudsman(_ reference: String) -> Self {
        Self(
            code: .ombudsman, reference: reference,
            message: "case \(reference) is a PALS concern: only a complaint is referred to the ombudsman "
                + "(convert it into a complaint first)")
    }

    /// A referral is still with the ombudsman.
    static func referralUndecided(_ reference: String, _ day: CivilDate) -> Self {
        Self(
            code: .ombudsman, reference: reference,
            message: "case \(reference) was referred to the ombudsman on \(day.iso) and that referral has no "
                + "result yet: record its result first")
    }

    /// No referral waits for a result.
    static func noReferral(_ reference: String) -> Self {
        Self(
            code: .ombudsman, reference: reference,
            message: "case \(reference) has no referral to the ombudsman waiting for a result: record the "
                + "referral first")
    }

    /// A date is before the date it must follow.
    static func dateBefore(
        _ reference: String, _ what: String, _ day: CivilDate, _ other: String, _ otherDay: CivilDate
    ) -> Self {
        Self(
            code: .date, reference: reference,
            message: "case \(reference): \(what) on \(day.iso) would be before \(other) on \(otherDay.iso)")
    }

    /// A value is not one of the allowed ones (e.g. an unknown subject).
    package static func notAllowed(_ reference: String, _ what: String, _ value: String, allowed: [String]) -> Self {
        Self(
            code: .unknownCategory, reference: reference,
            message: "case \(reference): \(what) '\(value.escapingControls)' is not one of: "
                + allowed.joined(separator: ", "),
            safeReason: "a \(what) that is not a configured category")
    }

    /// Something else about the coding is wrong.
    package static func invalid(_ reference: String, _ why: String) -> Self {
        Self(code: .invalid, reference: reference, message: "case \(reference): \(why)")
    }
}

extension ErrorCode where Domain == CaseCodingError {
    package static func ~= (code: Self, error: any Error) -> Bool { code.matches(error) }

    /// An outcome was given while the case is still being worked.
    package static let outcomeWhileOpen = Self("outcome on an open case")
    /// A complaint was closed without an outcome.
    package static let outcomeNeeded = Self("outcome needed")
    /// An ombudsman referral or result was refused.
    package static let ombudsman = Self("ombudsman referral refused")
    /// A date comes before the date it must follow.
    package static let date = Self("date out of order")
    /// A category is not one the workspace's configuration allows.
    package static let unknownCategory = Self("unknown category")
    /// The coding is otherwise invalid.
    package static let invalid = Self("invalid coding")
}
