/// What each consent state permits: the typed rules letters and the lifecycle decide by (DESIGN, "Who may complain
/// and consent": patient information goes to a representative only when the state allows it).
extension ConsentState {
    /// Whether the patient's information may be shared with the complainant: they are the patient, the patient
    /// consented, or they represent a patient who has died or who lacks capacity (acting in their best interests).
    package var allowsDisclosure: Bool {
        switch self {
        case .notNeeded, .received, .deceasedRepresentative, .lacksCapacity: true
        case .requested, .refused: false
        }
    }

    /// Whether the patient still has to sign a consent form: only while consent is requested. A patient who has
    /// died, or who lacks capacity, is never asked to sign.
    package var needsConsentForm: Bool { self == .requested }

    /// Whether a final response may be sent in this state. While consent is requested it may not: the response
    /// would either share the patient's information before they agreed, or leave it out although they may still
    /// agree. With consent refused it may, written without their information (``allowsDisclosure`` is false).
    package var allowsFinalResponse: Bool { self != .requested }

    /// Whether the complainant may be asked for evidence of their standing: that they are the representative of a
    /// patient who has died (next of kin, executor), or have authority to act for one who lacks capacity (e.g. a
    /// lasting power of attorney).
    package var mayAskForAuthority: Bool { self == .deceasedRepresentative || self == .lacksCapacity }

    /// Whether the patient can still give or refuse consent: false once they have died.
    var patientCanConsent: Bool { self != .deceasedRepresentative }
}

/// A change of a case's consent state, with the rule that allows or refuses it. The lifecycle records an allowed
/// change as a `consent` event whose detail is ``detail``.
package struct ConsentChange: Sendable, Equatable {
    /// The state before.
    package let from: ConsentState
    /// The state after.
    package let to: ConsentState

    package init(from: ConsentState, to: ConsentState) {
        self.from = from
        self.to = to
    }

    /// Why the change is not allowed, in words a person can act on, or `nil` when it is.
    ///
    /// - A patient who has died cannot give, refuse or be asked for consent, and nobody stops needing it: the
    ///   representative of a patient who has died stays so.
    /// - Consent received is not asked for again; it can be withdrawn (refused).
    /// - Consent refused is not set aside as "not needed": only the patient's consent (received) undoes it.
    package var refusal: String? {
        guard from != to else { return nil }
        if !from.patientCanConsent {
            return "the patient has died, so the consent state stays deceased-representative: a patient who has "
                + "died cannot be asked for consent, give it or refuse it"
        }
        switch (from, to) {
        case (.received, .requested):
            return "the patient's consent was already received, so it is not requested again; record it as "
                + "refused if they withdrew it"
        case (.refused, .notNeeded):
            return "the patient refused consent, so it cannot become not needed; record consent received if they "
                + "change their mind"
        default:
            return nil
        }
    }

    /// The history line: the two states by their register names, no personal data.
    package var detail: String { "consent \(from.rawValue) → \(to.rawValue)" }
}
