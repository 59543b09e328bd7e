import Casework
import Engine
import Foundation
import Letters
import Mail
import PalsTestKit
import Primitives
import Testing
import WorkingDays

/// Every letter a case can be sent, checked against what it may claim (issue 13): each letter kind × each consent
/// state × each profile and stage × each language the kind has, prepared through the same path as `pals preview`
/// (``LetterDesk/prepare(_:reference:inputs:)``, and ``LetterDesk/compose(_:date:messageID:)`` for the attachments
/// an emailed letter carries).
///
/// Table-driven: a new kind of letter is one row in ``letters``, a new consent state one row in ``consents``, a new
/// profile or stage one row in ``profileStages``, a new claim one entry in ``claims``. A failure names the kind,
/// state, profile, stage and language, and the sentence that broke the claim.
@Suite("Letter claims: every letter is true for its case")
struct LetterClaimsTests {
    // MARK: The table

    /// A kind of letter and the officer inputs it is written with.
    struct LetterRow: Sendable {
        let kind: LetterKind
        let inputs: [String: String]
    }

    /// Every kind of letter an officer or pals writes to a complainant or on their behalf (the consent form is an
    /// enclosure, the reminder digest and statement requests go to staff, the receipt answers mailbox intake).
    static let letters: [LetterRow] = [
        LetterRow(kind: .acknowledgement, inputs: [:]),
        LetterRow(kind: .consentRequest, inputs: [:]),
        LetterRow(kind: .holding, inputs: ["reason": "We are waiting for a statement.", "newDate": "2027-01-20"]),
        LetterRow(
            kind: .update, inputs: ["progress": "We have read the notes.", "nextSteps": "We will meet the ward."]),
        LetterRow(kind: .lateResponse, inputs: ["reason": "The review took longer.", "expectedDate": "2027-06-30"]),
        LetterRow(kind: .stage1Response, inputs: ["decision": "We have booked a new appointment."]),
        LetterRow(
            kind: .resolution,
            inputs: ["consideration": "We read the notes.", "findings": "There was a delay.", "actions": "Training."]),
        LetterRow(kind: .outOfTime, inputs: ["decision": "We will look into it.", "reason": "You were unwell."]),
        LetterRow(kind: .concernResolution, inputs: ["outcome": "The ward called you back."]),
        LetterRow(kind: .withdrawn, inputs: [:]),
        LetterRow(
            kind: .redirected,
            inputs: ["body": "Example County Council", "agreedOn": "2026-11-25", "bodyContact": "0300 000 0000"]),
        LetterRow(
            kind: .mpLetter,
            inputs: [
                "mpName": "Alex Example MP", "mpEmail": "alex.example@example.org", "mpLetterDate": "2026-11-20",
                "consentOn": "2026-11-24", "reply": "We have written to your constituent.",
            ]),
        LetterRow(
            kind: .redressResponse,
            inputs: [
                "liability": "yes", "findings": "The fracture was missed.", "apology": "We are sorry.",
                "financialAmount": "1000",
            ]),
    ]

    /// The inputs a row is written with for a profile and stage: at stage 1 a holding letter's new date stays
    /// within the stage's extended limit (a later one is refused: the case must go to stage 2).
    static func inputs(_ row: LetterRow, _ profileStage: ProfileStage) -> [String: String] {
        if row.kind == .holding, profileStage.received != nil {
            return row.inputs.merging(["newDate": "2026-06-30"]) { $1 }
        }
        guard row.kind == .holding, profileStage.stage == 1 else { return row.inputs }
        return row.inputs.merging(["newDate": "2026-12-04"]) { $1 }
    }

    /// A consent state, and whether the case has a patient other than the complainant.
    struct ConsentRow: Sendable, CustomStringConvertible {
        let state: ConsentState
        let hasPatient: Bool
        var description: String { hasPatient ? state.rawValue : "\(state.rawValue), no patient" }
    }

    /// Every consent state; not-needed both with and without a patient.
    static let consents: [ConsentRow] =
        [ConsentRow(state: .notNeeded, hasPatient: false)]
        + ConsentState.allCases.map { ConsentRow(state: $0, hasPatient: true) }

    /// A profile and, for a staged one, the stage.
    struct ProfileStage: Sendable, CustomTestStringConvertible {
        let profile: ProfileID
        let stage: Int?
        /// The day of receipt (`YYYY-MM-DD`) and the clock (ISO 8601) of a row about the law in force on a date;
        /// nil: the table's usual 23 November 2026, seen on 25 November.
        var received: String? = nil
        var now: String? = nil
        /// Whether a response at this stage is the last the procedure gives (only then may the ombudsman be named).
        var isLastStage: Bool { stage == nil || stage == 2 }
        var testDescription: String {
            let name = stage.map { "\(profile.rawValue) stage \($0)" } ?? profile.rawValue
            return received.map { "\(name) received \($0)" } ?? name
        }
    }

    /// Every profile, each stage of the staged ones.
    static let profileStages: [ProfileStage] =
        ProfileID.allCases.flatMap { profile in
            profile.hasStages
                ? [ProfileStage(profile: profile, stage: 1), ProfileStage(profile: profile, stage: 2)]
                : [ProfileStage(profile: profile, stage: nil)]
        } + [
            // Wales either side of Listening to People (2026-04-01): the 2011 rules, then the 2025 amendment.
            ProfileStage(profile: .wales, stage: nil, received: "2026-03-31", now: "2026-04-01T09:00:00Z"),
            ProfileStage(profile: .wales, stage: nil, received: "2026-04-01", now: "2026-04-01T15:00:00Z"),
        ]

    /// Which letters a case's state forbids, written out independently of the lifecycle's rules so that a change
    /// of those rules shows here. Consent: a consent request only while consent is requested; no final response
    /// while it is awaited (it would share the patient's information before they agreed); nothing passed to
    /// another body or an MP while consent is requested or refused. Stages: the final response only at the last
    /// stage, the stage-1 response only at stage 1. England: the late-response letter only after the backstop
    /// (six months away for these new cases). Kinds: these cases are complaints, so no concern resolution.
    static func forbids(_ consent: ConsentRow, _ kind: LetterKind, _ profileStage: ProfileStage) -> Bool {
        let withheld = consent.hasPatient && [.requested, .refused].contains(consent.state)
        switch kind {
        case .consentRequest: return consent.state != .requested
        case .resolution: return consent.state == .requested || !profileStage.isLastStage
        case .stage1Response: return profileStage.stage != 1
        case .redressResponse:
            return profileStage.profile != .wales || consent.state == .requested || !profileStage.isLastStage
        case .lateResponse, .concernResolution: return true
        case .redirected, .mpLetter: return withheld
        default: return false
        }
    }

    /// The purposes of letter that may name the ombudsman at the last stage: the final response.
    static let mayNameOmbudsman: Set<LetterPurpose> = [.finalResponse]

    /// The purposes of letter that may name the ombudsman at any stage: a decision not to look into a complaint
    /// made out of time, which the ombudsman can review whatever the stage.
    static let mayNameOmbudsmanAtAnyStage: Set<LetterPurpose> = [.timeLimitDecision]

    // MARK: The claims

    /// One letter as it would be sent.
    struct Rendered: Sendable {
        let kind: LetterKind
        let consent: ConsentRow
        let profileStage: ProfileStage
        let language: LetterLanguage
        /// Whether the letter is one bilingual letter (Welsh, then English).
        var isBilingual = false
        /// The plain text, paragraphs separated by blank lines.
        let text: String
        /// The enclosures the letter carries.
        let enclosures: [LetterKind]
        /// The file names of the composed message's attachments (the .eml `pals preview` shows).
        let attachments: [String]
        let reference: String

        var label: String {
            "\(kind.rawValue) / consent \(consent) / \(profileStage.testDescription) / \(language.rawValue)"
        }

        /// The sentences of the text: each paragraph (or heading) split at its full stops, colons and marks.
        var sentences: [String] {
            text.components(separatedBy: "\n\n").flatMap { paragraph in
                paragraph.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                    .split(omittingEmptySubsequences: true) { ".:!?".contains($0) }
                    .map { $0.trimmingCharacters(in: .whitespaces) }
            }
        }

        /// The first sentence containing any of `phrases` (case-insensitive), or nil.
        func sentence(with phrases: [String]) -> String? {
            sentences.first { sentence in phrases.contains { sentence.localizedCaseInsensitiveContains($0) } }
        }

        /// Whether the letter is a final response at the last stage.
        var isFinalResponse: Bool { kind.purpose == .finalResponse }
    }

    /// A claim a letter must keep: `broken` returns the sentence that breaks it (or a description of what is
    /// missing), nil when the letter keeps it.
    struct Claim: Sendable {
        let name: String
        let broken: @Sendable (Rendered) -> String?
    }

    static let enclosed = ["enclosed", "enclose", "amgáu"]
    static let consentForm = ["consent form", "ffurflen ganiatâd"]
    static let finalResponse = ["final response", "ymateb terfynol"]
    static let ombudsman = ["ombudsman", "ombwdsmon"]
    static let askToSign = ["to sign", "sign it", "sign and date", "ei llofnodi", "llofnodi a"]

    static let claims: [Claim] = [
        Claim(name: "\"enclosed\" only with an attachment, and the attachment is there") { letter in
            let says = letter.sentence(with: enclosed)
            if let says, letter.enclosures.isEmpty { return says }
            if says == nil, !letter.enclosures.isEmpty { return "(an enclosure the letter does not mention)" }
            for enclosure in letter.enclosures
            where !letter.attachments.contains("\(letter.reference)-\(enclosure.rawValue).pdf") {
                return "(the \(enclosure.rawValue) is not attached to the message: \(letter.attachments))"
            }
            return nil
        },
        Claim(name: "a consent form only when consent is requested") { letter in
            guard letter.consent.state != .requested else { return nil }
            if let sentence = letter.sentence(with: consentForm) { return sentence }
            return letter.enclosures.contains(.consentForm) ? "(the consent form is enclosed)" : nil
        },
        Claim(name: "the patient is never asked to sign when they have died or lack capacity") { letter in
            guard [.deceasedRepresentative, .lacksCapacity].contains(letter.consent.state) else { return nil }
            return letter.sentence(with: askToSign) ?? letter.sentence(with: consentForm)
        },
        Claim(name: "\"final response\" only in the final response at the last stage") { letter in
            guard let sentence = letter.sentence(with: finalResponse) else { return nil }
            return letter.isFinalResponse && letter.profileStage.isLastStage ? nil : sentence
        },
        Claim(name: "the ombudsman only in a final response (or an out-of-time decision) at the last stage") {
            letter in
            guard let sentence = letter.sentence(with: ombudsman) else { return nil }
            if mayNameOmbudsmanAtAnyStage.contains(letter.kind.purpose) { return nil }
            return mayNameOmbudsman.contains(letter.kind.purpose) && letter.profileStage.isLastStage ? nil : sentence
        },
        Claim(name: "with consent refused, a final response says it shares no information about the patient's care") {
            letter in
            guard letter.isFinalResponse, letter.consent.state == .refused else { return nil }
            let says = ["does not include information about their care", "nid yw'r ymateb hwn yn cynnwys gwybodaeth"]
            return letter.sentence(with: says) == nil
                ? "(no sentence saying the patient's information is left out)" : nil
        },
        Claim(name: "consent received or not needed: nothing asks for consent") { letter in
            guard [.received, .notNeeded].contains(letter.consent.state) else { return nil }
            return letter.sentence(with: [
                "we need their written consent", "mae angen eu caniatâd ysgrifenedig",
                "mae angen caniatâd ysgrifenedig",
            ])
        },
    ]

    // MARK: The test

    @Test("every kind × consent state × language keeps every claim, or is refused", arguments: profileStages)
    func claimsHold(_ profileStage: ProfileStage) async throws {
        let made = try await EngineWorkspace.make(now: profileStage.now ?? "2026-11-25T09:00:00Z")
        defer { made.folder.remove() }
        // Welsh letters print the Welsh forms of the organisation's texts; only the Welsh ombudsman has a Welsh
        // name built in, so elsewhere the English name stands in.
        let ws = EngineWorkspace(
            made,
            workspace: try made.reconfigured {
                var text = WelshFormsFixture.adding(to: $0)
                if profileStage.profile != .wales {
                    text = text.replacingOccurrences(
                        of: "letters:\n", with: "letters:\n  welshFallbackToEnglish: true\n")
                }
                guard profileStage.profile == .northernIreland else { return text }  // a trust not yet on NIPSO's MCHP
                return text.replacingOccurrences(
                    of: "jurisdiction:\n", with: "jurisdiction:\n  northernIrelandModelProcedureFrom: never\n")
            })
        var outcomes: [(row: ConsentRow, language: Language, kind: LetterKind, result: Result<Rendered, any Error>)]
        outcomes = []
        for consent in Self.consents {
            for language in Language.allCases {
                let record = try await ws.log(Self.complaint(profileStage, consent, language))
                let reference = record.reference
                if profileStage.stage == 2 {  // escalated today, as an officer does
                    try await ws.change(reference) { try $0.setStage(2, on: CivilDate($1), at: $1) }
                }
                let rendered = try await offPool {
                    let book = try ws.casebook()
                    let desk = try LetterDesk(casebook: book)
                    return Self.letters.compactMap { row -> (LetterKind, Result<Rendered, any Error>)? in
                        let available = desk.library.languages(for: row.kind)
                        guard language.letterLanguages.allSatisfy(available.contains) else { return nil }
                        let result = Result { () throws -> Rendered in
                            let letter = try desk.prepare(
                                row.kind, reference: reference, inputs: Self.inputs(row, profileStage))
                            let composed = try desk.compose(letter, date: book.clock.now())
                            return Rendered(
                                kind: row.kind, consent: consent, profileStage: profileStage,
                                language: letter.merged.language, isBilingual: letter.merged.isBilingual,
                                text: letter.merged.text, enclosures: letter.enclosures.map(\.kind),
                                attachments: Self.attachmentNames(composed.data), reference: reference)
                        }
                        return (row.kind, result)
                    }
                }
                outcomes += rendered.map { (consent, language, $0.0, $0.1) }
            }
        }
        #expect(outcomes.count >= Self.consents.count * Self.letters.count, "every row was tried")
        for outcome in outcomes {
            let label =
                "\(outcome.kind.rawValue) / consent \(outcome.row) / \(profileStage.testDescription) / "
                + outcome.language.rawValue
            switch outcome.result {
            case .failure(let error):
                if Self.forbids(outcome.row, outcome.kind, profileStage) {
                    #expect((error as? LetterDeskError)?.code == .notAllowed, "\(label): refused as not allowed")
                } else {
                    Issue.record("\(label): not written: \(error)")
                }
            case .success(let letter):
                #expect(
                    !Self.forbids(outcome.row, outcome.kind, profileStage),
                    "\(label): written, but the state forbids it")
                #expect(
                    letter.language == outcome.language.letterLanguages[0],
                    "\(label): written in \(letter.language.rawValue)")
                #expect(letter.isBilingual == (outcome.language == .bilingual), "\(label): bilingual or not as asked")
                for claim in Self.claims {
                    guard let sentence = claim.broken(letter) else { continue }
                    Issue.record("\(label): \(claim.name): \"\(sentence)\"")
                }
            }
        }
    }

    /// Every accessible-information need a case can record (DAPB1605), and none.
    static let needs: [AccessibleInformationNeed?] = [nil] + AccessibleInformationNeed.allCases

    /// The words by which a letter says what form it is in.
    static let saysEasyRead = ["easy read", "hawdd ei ddarllen"]
    static let saysLargePrint = ["large print", "print bras"]

    @Test("each access need: every letter is in the form it says and the need asks for, or held naming the need")
    func needsHold() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let profileStage = ProfileStage(profile: .england, stage: nil)
        let consent = ConsentRow(state: .notNeeded, hasPatient: false)
        for need in Self.needs {
            var complaint = Self.complaint(profileStage, consent, .en)
            complaint.complainant["accessibleInformation"] = need.map { [$0.rawValue] } ?? []
            complaint.complainant["interpreterLanguage"] = need == .anotherLanguage ? "Polish" : nil
            let record = try await ws.log(complaint)
            let prepared = try await offPool {
                let desk = try LetterDesk(casebook: ws.casebook())
                return Self.letters.filter { !Self.forbids(consent, $0.kind, profileStage) }.map { row in
                    (row.kind, Result { try desk.prepare(row.kind, reference: record.reference, inputs: row.inputs) })
                }
            }
            for (kind, result) in prepared {
                let label = "\(kind.rawValue) / need \(need?.rawValue ?? "none")"
                guard case .success(let letter) = result else {
                    Issue.record("\(label): not written: \(result)")
                    continue
                }
                let text = letter.merged.text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                let says = { (phrases: [String]) in phrases.contains { text.localizedCaseInsensitiveContains($0) } }
                // A letter that says it is in easy read or large print is.
                if says(Self.saysEasyRead) { #expect(letter.format.easyRead, "\(label): says easy read") }
                if says(Self.saysLargePrint) { #expect(letter.format.largePrint != nil, "\(label): says large print") }
                let toComplainant = kind != .mpLetter
                switch need {
                case nil:
                    #expect(!letter.isHeld && letter.format == LetterFormat(), "\(label)")
                case .largePrint?:
                    #expect(!letter.isHeld, "\(label)")
                    #expect((letter.format.largePrint != nil) == toComplainant, "\(label): large print")
                case .easyRead?:
                    // Easy read from the easy-read set, or held naming easy read; never a standard letter unnoticed.
                    let held = letter.holdReasons.contains {
                        if case .formatNeeded(.easyRead, _) = $0 { true } else { false }
                    }
                    #expect(!toComplainant || letter.format.easyRead != held, "\(label): easy read or held")
                    if letter.format.easyRead { #expect(says(Self.saysEasyRead), "\(label): says it is easy read") }
                case let other?:
                    let held = letter.holdReasons.contains {
                        if case .formatNeeded(other, _) = $0 { true } else { false }
                    }
                    #expect(held == toComplainant, "\(label): held naming \(other.rawValue)")
                    if toComplainant { #expect(letter.heldReason?.contains("needs ") == true, "\(label)") }
                }
            }
        }
    }

    /// An invented complaint for one row of the table, with an email address so its letters are composed.
    static func complaint(_ profileStage: ProfileStage, _ consent: ConsentRow, _ language: Language)
        -> Complaint
    {
        .with {
            $0.fields["profile"] = profileStage.profile.rawValue
            if profileStage.profile != .england { $0.fields["complexity"] = nil }
            if let received = profileStage.received { $0.fields["received"] = "\(received)T10:00:00Z" }
            $0.complainant["language"] = language.rawValue
            if consent.hasPatient {
                $0.patient = ["title": "Mr", "firstName": "Bryn", "lastName": "Example"]
                $0.fields["consent"] = consent.state.rawValue
            }
        }
    }

    /// The file names of the attachments of a composed message (its `filename=` parameters).
    static func attachmentNames(_ data: Data) -> [String] {
        let text = String(decoding: data, as: UTF8.self)
        return text.components(separatedBy: "filename=").dropFirst().compactMap { part in
            let trimmed = part.drop { $0 == "\"" }
            let name = trimmed.prefix { $0 != "\"" && $0 != "\r" && $0 != "\n" && $0 != ";" }
            return name.isEmpty ? nil : String(name)
        }
    }
}
