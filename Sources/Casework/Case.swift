package import Foundation
package import Primitives
package import WorkingDays

/// A complaint in the register: who complained, about what, and where it stands.
package struct Case: Codable, Sendable, Equatable {
    /// The case reference, e.g. `PALS-2026-0042`; the only identifier that appears in logs and subjects.
    package var reference: String
    /// The case's permanent random id (a UUID), given when it is logged and never changed or reused: idempotency
    /// keys and archive labels carry it, so they name this case even if its reference were ever issued again.
    package var caseId: String
    /// When the complaint was received (an instant; its civil date in Europe/London starts the clock).
    package var receivedAt: Date
    /// How the complaint arrived.
    package var channel: Channel
    /// The person who complained and to whom letters go.
    package var complainant: Complainant
    /// The patient, when the complainant is someone else.
    package var patient: Patient?
    /// Whether the patient's consent is needed and where it stands.
    package var consent: ConsentState
    /// What the complaint is about (never logged, never in a subject line).
    package var summary: String
    /// The service or department complained about.
    package var service: String
    /// The id of the officer who handles the case (one of the workspace's officers).
    package var officer: String
    /// The jurisdiction profile whose deadlines apply.
    package var profile: ProfileID
    /// The stage of the model complaints procedure (Scotland, NI MCHP); `nil` for unstaged profiles.
    package var stage: Int?
    /// The day the case was escalated to stage 2, which starts that stage's own clock.
    package var escalatedOn: CivilDate?
    /// The local complexity category that picks England's response target (e.g. `standard`, `complex`).
    package var complexity: String?
    /// The response date agreed with the complainant, when one is agreed.
    package var agreedResponseDate: CivilDate?
    /// How many times the response date was extended by a holding letter.
    package var extensions: Int
    /// Where the case stands.
    package var status: CaseStatus
    /// Whether the complaint was acknowledged outside pals (e.g. by phone) and needs no letter.
    package var acknowledgedOutsidePals: Bool
    /// When the complaint was acknowledged (outside pals, or when the acknowledgement was sent).
    package var acknowledgedAt: Date?
    /// Why the case needs an officer's attention (a letter failed or is on hold, intake gave up, …), or `nil`.
    package var attention: CaseAttention?
    /// When the case was closed, for the retention policy.
    package var closedAt: Date?
    /// When the case was logged in the register.
    package var createdAt: Date
    /// When the case was last changed.
    package var updatedAt: Date
    /// The response date agreed with the complainant before the backstop passed, which moved the backstop
    /// (England reg 14); set only by a recorded agreement, never by a holding letter.
    package var backstopAgreedDate: CivilDate? = nil
    /// When a letter was last queued or printed for the complainant (keep-informed reminders count from it).
    package var lastLetterAt: Date? = nil
    /// Whether this is a formal complaint or a PALS concern (see ``CaseKind``); old rows are complaints.
    package var kind: CaseKind = .complaint
    /// How the complaint is coded for the returns and reports (outcome, subjects, service, profession, …).
    package var coding = CaseCoding()
    /// The complaint's referrals to the ombudsman and their results, oldest first.
    package var ombudsmanReferrals: [OmbudsmanReferral] = []

    /// The civil date of receipt in Europe/London, from which deadlines count.
    package var receivedDate: CivilDate { CivilDate(receivedAt) }

    /// Whether the case is still being worked (open or waiting for consent).
    package var isOpen: Bool { status == .open || status == .awaitingConsent }
}

extension ProfileID {
    /// Whether the profile follows a two-stage model complaints procedure (Scotland, NI MCHP).
    package var hasStages: Bool { DeadlineProfile.defaults(for: self).hasStages }
}

/// How a complaint reached the team.
package enum Channel: String, Codable, Sendable, CaseIterable {
    case email, letter, phone
    case inPerson = "in-person"
    case web
}

/// Where a case stands.
package enum CaseStatus: String, Codable, Sendable, CaseIterable {
    case open
    case awaitingConsent = "awaiting-consent"
    case responded, closed, withdrawn
    /// Came in by the team mailbox and waits for an officer to take it on (`pals case triage`): no officer, no
    /// statutory acknowledgement yet (the mailbox receipt only).
    case triage
}

/// The state of the patient's consent when the complainant is not the patient (DESIGN, "Who may complain and
/// consent"). What each state permits is in Consent.swift (``allowsDisclosure``, ``needsConsentForm``); which
/// changes are allowed is ``ConsentChange``. The raw values are what the register stores.
package enum ConsentState: String, Codable, Sendable, CaseIterable {
    /// The complainant is the patient, or speaks for them with no consent to ask (e.g. a parent of a young child).
    case notNeeded = "not-needed"
    /// The patient has been asked for their written consent and has not yet answered.
    case requested
    /// The patient gave their consent.
    case received
    /// The patient refused their consent: the concerns are looked into, but their information is not shared.
    case refused
    /// The complainant represents a patient who has died (next of kin, executor).
    case deceasedRepresentative = "deceased-representative"
    /// The complainant acts in the best interests of a patient who lacks capacity to consent.
    case lacksCapacity = "lacks-capacity"
}

/// How the complainant prefers to be written to.
package enum ContactPreference: String, Codable, Sendable, CaseIterable {
    case email, post
}

/// The language letters are written in.
package enum Language: String, Codable, Sendable, CaseIterable {
    case en, cy
    /// Bilingual: one letter with the Welsh first and the English after it, as the Welsh Language Standards
    /// expect of Welsh bodies.
    case bilingual = "cy-en"
}

/// An accessible-information need (NHS Accessible Information Standard, DAPB1605) that changes the letter's form.
/// pals makes large print and easy read itself; for the others the letter is held and the officer told which
/// format to arrange (`LetterHoldReason` in Engine).
package enum AccessibleInformationNeed: String, Codable, Sendable, CaseIterable {
    /// Large print, in the size the organisation offers (`letters.largePrintSize`).
    case largePrint = "large-print"
    /// Easy read: short sentences, one idea a line, large type (the easy-read template set).
    case easyRead = "easy-read"
    /// A braille copy, made outside pals.
    case braille
    /// An audio recording of the letter, made outside pals.
    case audio
    /// A British Sign Language video of the letter, made outside pals.
    case bsl
    /// The letter translated into another language (``Complainant/interpreterLanguage`` names it).
    case anotherLanguage = "another-language"

    /// The need in words, for a sentence to an officer: "needs braille".
    package var wording: String {
        switch self {
        case .largePrint: "large print"
        case .easyRead: "easy read"
        case .braille: "braille"
        case .audio: "audio"
        case .bsl: "a British Sign Language (BSL) video"
        case .anotherLanguage: "a translation"
        }
    }
}

/// The person who complained.
package struct Complainant: Codable, Sendable, Equatable {
    package var title: String?
    package var firstName: String
    package var lastName: String
    package var addressLines: [String]
    package var postcode: String?
    package var email: String?
    package var phone: String?
    package var preferredContact: ContactPreference
    package var language: Language
    package var accessibleInformation: [AccessibleInformationNeed]
    /// The language letters must be translated into (e.g. "Polish"), for the `another-language` need.
    package var interpreterLanguage: String?

    package init(
        title: String? = nil, firstName: String, lastName: String, addressLines: [String] = [],
        postcode: String? = nil, email: String? = nil, phone: String? = nil,
        preferredContact: ContactPreference = .email, language: Language = .en,
        accessibleInformation: [AccessibleInformationNeed] = [], interpreterLanguage: String? = nil
    ) {
        self.title = title
        self.firstName = firstName
        self.lastName = lastName
        self.addressLines = addressLines
        self.postcode = postcode
        self.email = email
        self.phone = phone
        self.preferredContact = preferredContact
        self.language = language
        self.accessibleInformation = accessibleInformation
        self.interpreterLanguage = interpreterLanguage
    }

    /// "Ms Jones" when a title is known, else "Eve Jones".
    package var salutationName: String {
        if let title, !title.isEmpty { return "\(title) \(lastName)" }
        return "\(firstName) \(lastName)"
    }

    /// The full name with any title, e.g. "Ms Eve Jones".
    package var fullName: String {
        [title, firstName, lastName].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
    }
}

/// The patient a complaint is about, when the complainant is not the patient.
package struct Patient: Codable, Sendable, Equatable {
    package var title: String?
    package var firstName: String
    package var lastName: String

    package init(title: String? = nil, firstName: String, lastName: String) {
        self.title = title
        self.firstName = firstName
        self.lastName = lastName
    }

    /// The full name with any title.
    package var fullName: String {
        [title, firstName, lastName].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
    }
}

/// One entry in a case's correspondence and change history.
package struct CaseEvent: Codable, Sendable, Equatable {
    /// When it happened.
    package var at: Date
    /// What happened, e.g. ``CaseEventKind/logged`` or ``CaseEventKind/letterQueued``.
    package var kind: CaseEventKind
    /// A short description without patient data.
    package var detail: String

    package init(at: Date, kind: CaseEventKind, detail: String) {
        self.at = at
        self.kind = kind
        self.detail = detail
    }
}
