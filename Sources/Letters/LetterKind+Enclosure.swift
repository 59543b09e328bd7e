extension LetterKind {
    /// The consent form the patient signs: enclosed with a letter that says so, never sent as a letter itself.
    package static let consentForm: LetterKind = "consent-form"

    /// Whether this kind is an enclosure (a document sent with a letter) rather than a letter of its own.
    package var isEnclosure: Bool { self == .consentForm }

    /// The kinds of letter that enclose the consent form when the case's consent state needs one.
    package static let enclosingConsentForm: Set<LetterKind> = [.acknowledgement, .consentRequest]
}
