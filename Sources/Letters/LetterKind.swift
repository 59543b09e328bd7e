package import Casework

/// The name of a kind of letter, matching a template file name (`acknowledgement`, `holding`, …).
package struct LetterKind: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The template file name without extension.
    package let rawValue: String

    /// Makes a kind from a template name.
    package init(rawValue: String) { self.rawValue = rawValue }

    /// Makes a kind from a literal template name.
    package init(stringLiteral value: String) { self.rawValue = value }

    /// The acknowledgement sent automatically when a complaint is logged.
    package static let acknowledgement: LetterKind = "acknowledgement"
    /// The holding letter (delay notice) giving the reason for a delay and a new date.
    package static let holding: LetterKind = "holding"
    /// The final response, with the right to go to the ombudsman.
    package static let resolution: LetterKind = "resolution"
    /// The request for the patient's consent when the complainant is not the patient.
    package static let consentRequest: LetterKind = "consent-request"
    /// The decision on a complaint made more than 12 months after the events.
    package static let outOfTime: LetterKind = "out-of-time"
    /// The daily digest of deadlines sent to an officer.
    package static let reminderDigest: LetterKind = "reminder-digest"
    /// A progress update: what has been done, next steps, the unchanged date.
    package static let update: LetterKind = "update"
    /// The explanation sent when England's six-month backstop has passed without a response.
    package static let lateResponse: LetterKind = "late-response"
    /// The decision at stage 1 of a two-stage procedure (Scotland, NI model procedure), offering stage 2.
    package static let stage1Response: LetterKind = "stage1-response"
    /// The short letter that resolves a PALS concern informally.
    package static let concernResolution: LetterKind = "concern-resolution"
    /// Confirms the complainant withdrew their complaint, closed without a response, and that they can come back.
    package static let withdrawn: LetterKind = "withdrawn"
    /// Tells the complainant their complaint was passed, with their agreement, to another body.
    package static let redirected: LetterKind = "redirected"
    /// A reply to an MP writing on a constituent's behalf, addressed to the MP.
    package static let mpLetter: LetterKind = "mp-letter"
    /// The receipt sent by itself when an email to the team mailbox opens a new case (a mail, not a letter).
    package static let receipt: LetterKind = "receipt"
    /// A Welsh NHS body's response on redress (Putting Things Right reg 26): whether a qualifying liability exists,
    /// the redress offered within the cap, legal advice and the PSOW. A final response; Welsh cases only.
    package static let redressResponse: LetterKind = "redress-response"

    /// The raw name.
    package var description: String { rawValue }

    /// Orders kinds by name.
    package static func < (lhs: LetterKind, rhs: LetterKind) -> Bool { lhs.rawValue < rhs.rawValue }

    /// What a letter does in the life of a case: ``Casework/LetterPurpose``, which the case lifecycle decides by.
    package typealias Purpose = LetterPurpose

    /// What this kind of letter does; ``Purpose/other`` for a kind pals does not ship.
    package var purpose: Purpose {
        switch self {
        case .acknowledgement: .acknowledgement
        case .holding, .update, .lateResponse, .stage1Response: .progress
        case .consentRequest: .consentRequest
        case .outOfTime: .timeLimitDecision
        case .resolution: .finalResponse
        case .redressResponse: .finalResponse
        case .reminderDigest: .staff
        case .concernResolution: .concernResolution
        case .withdrawn: .withdrawalConfirmation
        case .redirected: .redirection
        case .mpLetter: .representativeReply
        default: .other
        }
    }
}

/// The language of a template set: English (`en`) or Welsh (`cy`).
package enum LetterLanguage: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// English, the `en` template set.
    case english = "en"
    /// Welsh, the `cy` template set.
    case welsh = "cy"

    /// The language tag used in file paths (`en`, `cy`).
    package var description: String { rawValue }

    /// The BCP 47 tag for documents (`en-GB`, `cy`).
    package var bcp47: String {
        switch self {
        case .english: "en-GB"
        case .welsh: "cy"
        }
    }

    /// "Page 2 of 3" in this language.
    func pageLabel(_ page: Int, of total: Int) -> String {
        switch self {
        case .english: "Page \(page) of \(total)"
        case .welsh: "Tudalen \(page) o \(total)"
        }
    }
}
