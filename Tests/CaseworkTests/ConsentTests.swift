import Casework
import Foundation
import Primitives
import Testing

/// A case about a patient who is not the complainant, in consent state `consent` and status `status`.
func consentCase(_ consent: ConsentState, status: CaseStatus? = nil) throws -> Case {
    let json = complaintJSON([
        "patient": ["firstName": "Bryn", "lastName": "Example"], "consent": consent.rawValue,
    ])
    let form = try CaseForm.parse(json: json, rules: rules)
    var record = CaseLifecycle.start(form, reference: "PALS-2026-0007", caseId: "id-7", now: rules.now).record
    if let status { record.status = status }
    return record
}

/// Consent as a state machine: what each state permits, which changes are allowed, how the case's status follows,
/// and which letters each state refuses (DESIGN invariant 13).
@Suite("Consent states")
struct ConsentTests {
    let at = rules.now

    /// The changes the rules refuse, written out as a table a complaints manager can check.
    static let refusedChanges: Set<[ConsentState]> = Set(
        ConsentState.allCases.filter { $0 != .deceasedRepresentative }.map { [.deceasedRepresentative, $0] }
            + [[.received, .requested], [.refused, .notNeeded]])

    @Test(
        "each change of consent is allowed or refused as the table says, and an allowed one records its event",
        arguments: ConsentState.allCases, ConsentState.allCases)
    func changes(from: ConsentState, to: ConsentState) throws {
        var life = CaseLifecycle(try consentCase(from))
        let refused = Self.refusedChanges.contains([from, to])
        #expect((ConsentChange(from: from, to: to).refusal != nil) == refused)
        do throws(CaseTransitionError) {
            try life.recordConsent(to, at: at)
            #expect(!refused, "\(from) → \(to) should be refused")
            #expect(life.record.consent == to)
            if from != to {
                #expect(life.events.first?.kind == .consent)
                #expect(life.events.first?.detail == "consent \(from.rawValue) → \(to.rawValue)")
            } else {
                #expect(life.events.isEmpty, "the same state is no change")
            }
        } catch {
            #expect(refused, "\(from) → \(to) should be allowed: \(error)")
            #expect(error.code == .consentChange)
            #expect(error.message.contains("PALS-2026-0007"), "names the case: \(error.message)")
            #expect(life.record.consent == from && life.events.isEmpty, "nothing changed")
        }
    }

    @Test("the status waits for consent exactly while it is requested", arguments: ConsentState.allCases)
    func statusFollows(to: ConsentState) throws {
        // From waiting (requested) to each state.
        var waiting = CaseLifecycle(try consentCase(.requested))
        #expect(waiting.record.status == .awaitingConsent)
        if !Self.refusedChanges.contains([.requested, to]) {
            try waiting.recordConsent(to, at: at)
            #expect(waiting.record.status == (to == .requested ? .awaitingConsent : .open), "requested → \(to)")
        }
        // From open (not needed) to each state.
        var open = CaseLifecycle(try consentCase(.lacksCapacity))
        #expect(open.record.status == .open)
        try open.recordConsent(to, at: at)
        #expect(open.record.status == (to == .requested ? .awaitingConsent : .open), "lacks-capacity → \(to)")
        // A responded case stays responded.
        var responded = CaseLifecycle(try consentCase(.received, status: .responded))
        if !Self.refusedChanges.contains([.received, to]) {
            try responded.recordConsent(to, at: at)
            #expect(responded.record.status == .responded)
        }
    }

    @Test("what each state permits")
    func permissions() {
        let disclosure: [ConsentState: Bool] = [
            .notNeeded: true, .requested: false, .received: true, .refused: false, .deceasedRepresentative: true,
            .lacksCapacity: true,
        ]
        for state in ConsentState.allCases {
            #expect(state.allowsDisclosure == disclosure[state], "\(state)")
            #expect(state.needsConsentForm == (state == .requested), "\(state): only a requested consent needs a form")
            #expect(state.allowsFinalResponse == (state != .requested), "\(state)")
            #expect(
                state.mayAskForAuthority == [.deceasedRepresentative, .lacksCapacity].contains(state), "\(state)")
        }
    }

    @Test("a consent request only while consent is requested; a final response not while it is awaited")
    func letterRefusals() throws {
        for state in ConsentState.allCases {
            let life = CaseLifecycle(try consentCase(state))
            let request = life.refusal(of: .consentRequest)
            #expect(request == (state == .requested ? nil : .consentNotRequested(state)), "\(state)")
            let response = life.refusal(of: .finalResponse)
            #expect(response == (state == .requested ? .consentAwaited(state) : nil), "\(state)")
            #expect(life.refusal(of: .progress) == nil, "\(state): a holding letter discloses nothing")
        }
    }

    @Test("the register's names of the states: the old four read as before, careless spellings are not states")
    func rawValues() {
        #expect(ConsentState(rawValue: "not-needed") == .notNeeded)
        #expect(ConsentState(rawValue: "requested") == .requested)
        #expect(ConsentState(rawValue: "received") == .received)
        #expect(ConsentState(rawValue: "refused") == .refused)
        #expect(ConsentState(rawValue: "deceased-representative") == .deceasedRepresentative)
        #expect(ConsentState(rawValue: "lacks-capacity") == .lacksCapacity)
        for careless in ["Received", "deceased", "lacksCapacity", "deceasedRepresentative", " refused", ""] {
            #expect(ConsentState(rawValue: careless) == nil, "'\(careless)'")
        }
    }

    @Test("a case form takes the new states, and refuses them without a patient")
    func form() throws {
        for state in [ConsentState.deceasedRepresentative, .lacksCapacity] {
            #expect(try consentCase(state).consent == state)
            #expect(throws: CaseFormError.self) {
                _ = try CaseForm.parse(json: complaintJSON(["consent": state.rawValue]), rules: rules)
            }
        }
    }
}
