/// What a letter does in the life of a case. The case lifecycle decides from it (and the case's state) whether a
/// letter may be written now; `LetterKind.purpose` in Letters says which purpose each shipped kind has.
package enum LetterPurpose: Sendable, Hashable, CaseIterable {
    /// Confirms a complaint was received (the acknowledgement).
    case acknowledgement
    /// Says the response is still to come: the holding, update and late-response letters.
    case progress
    /// Asks for the patient's consent (the consent request).
    case consentRequest
    /// Decides whether a late complaint will be looked into (the out-of-time decision).
    case timeLimitDecision
    /// The final response (the resolution letter).
    case finalResponse
    /// Goes to staff, never to a complainant (the reminder digest).
    case staff
    /// A kind the workspace added itself: pals knows nothing of what it says.
    case other
    /// Resolves a PALS concern informally (the concern-resolution letter).
    case concernResolution
    /// Confirms the complainant withdrew and the case is closed without a response (the withdrawn letter).
    case withdrawalConfirmation
    /// Tells the complainant their complaint was passed, with their agreement, to another body (redirected).
    case redirection
    /// Replies to an MP writing on a constituent's behalf (the MP letter); it goes to the MP.
    case representativeReply
}
