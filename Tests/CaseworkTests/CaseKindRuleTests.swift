import Casework
import Foundation
import Primitives
import Testing
import WorkingDays

/// The letter rules that depend on a case's kind or consent, as a table over every status and purpose.
@Suite("Letter rules by case kind and consent")
struct CaseKindRuleTests {
    /// The letters a PALS concern takes in each status: its resolution while open, and a workspace's own kinds.
    static let concernAllowed: [CaseStatus: Set<LetterPurpose>] = [
        .open: [.concernResolution, .other], .awaitingConsent: [.concernResolution, .other], .responded: [.other],
        .closed: [], .withdrawn: [], .triage: [.other],
    ]

    @Test(
        "a concern takes only its resolution; every letter of a complaint is refused", arguments: CaseStatus.allCases,
        LetterPurpose.allCases)
    func concernLetters(status: CaseStatus, purpose: LetterPurpose) throws {
        var record = try lifecycleCase(status, profile: "england")
        record.kind = .concern
        let refusal = CaseLifecycle(record).refusal(of: purpose)
        #expect((refusal == nil) == Self.concernAllowed[status]!.contains(purpose), "\(String(describing: refusal))")
        if status != .triage, ![.concernResolution, .other, .staff].contains(purpose) {
            #expect(refusal == .concern(purpose))
        }
    }

    @Test(
        "sharing with another body or an MP needs the patient's consent when the complainant is not the patient",
        arguments: ConsentState.allCases, [LetterPurpose.redirection, .representativeReply])
    func consent(consent: ConsentState, purpose: LetterPurpose) throws {
        var record = try lifecycleCase(.open, profile: "england")
        record.patient = Patient(firstName: "Bryn", lastName: "Example")
        record.consent = consent
        let refusal = CaseLifecycle(record).refusal(of: purpose)
        let allowed = consent.allowsDisclosure
        #expect(refusal == (allowed ? nil : .consentDoesNotAllow(consent)), "\(consent) \(purpose)")
        // Closed comes first: the case takes no letter at all.
        record.status = .closed
        #expect(CaseLifecycle(record).refusal(of: purpose) == .closed)
    }

    @Test("conversion makes a complaint that is not yet acknowledged, keeping its receipt")
    func conversion() throws {
        var record = try lifecycleCase(.open, profile: "england")
        record.kind = .concern
        record.acknowledgedOutsidePals = true
        record.acknowledgedAt = rules.now
        var lifecycle = CaseLifecycle(record)
        try lifecycle.convertToComplaint(at: rules.now)
        #expect(lifecycle.record.kind == .complaint)
        #expect(lifecycle.record.receivedAt == record.receivedAt)
        #expect(lifecycle.record.acknowledgedAt == nil && !lifecycle.record.acknowledgedOutsidePals)
        #expect(lifecycle.events.map(\.kind) == [.converted])
        #expect(lifecycle.refusal(of: .acknowledgement) == nil, "the statutory acknowledgement may now go")
        #expect(throws: CaseTransitionError.self) { try lifecycle.convertToComplaint(at: rules.now) }
    }

    @Test("the out-of-time limit: 12 months, 6 in Scotland, or the organisation's setting")
    func outOfTimeMonths() {
        for id in ProfileID.allCases {
            #expect(DeadlineProfile.defaults(for: id).outOfTimeLimitMonths == (id == .scotland ? 6 : 12), "\(id)")
        }
        var england = DeadlineProfile.defaults(for: .england)
        england.outOfTimeMonths = 18
        #expect(england.outOfTimeLimitMonths == 18)
    }
}
