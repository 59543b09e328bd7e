package import Casework
package import Foundation
package import Letters
package import Mail
package import Primitives
package import WorkingDays

/// Turns a case into a letter and a letter into the exact message pals queues.
///
/// `pals preview` and `pals letter` (and the daemon's acknowledgements) all go through
/// ``prepare(_:reference:inputs:)`` and ``compose(_:date:messageID:)``, so what an officer previews is
/// byte for byte what is sent, bar the Date and Message-ID headers (DESIGN invariant 9).
package struct LetterDesk: Sendable {
    package let workspace: Workspace
    package let library: LetterLibrary
    package let deadlines: DeadlineDesk
    package let register: any CaseStore
    package let clock: WallClock

    package init(casebook: Casebook) throws {
        workspace = casebook.workspace
        register = casebook.register
        clock = casebook.clock
        do {
            library = try LetterLibrary.load(from: casebook.workspace.templatesURL)
        } catch {
            // A lost partial shows as an unknown partial: name the lost files first, and the way back.
            throw DefaultTemplates.missingFiles(in: casebook.workspace.templatesURL, cause: error) ?? error
        }
        deadlines = try DeadlineDesk(workspace: casebook.workspace)
    }

    private var configuration: WorkspaceConfiguration { workspace.configuration }

    /// Merges a letter of `kind` for a case, with the officer's inputs (`--set KEY=VALUE`).
    ///
    /// Refuses, before merging anything: a kind there is no template for (listing the kinds there are), a
    /// letter the case's state forbids (``refusal(of:for:)``), and inputs the letter does not take or lacks
    /// (all of them named at once, with the letter's inputs).
    package func prepare(_ kind: LetterKind, reference: String, inputs: [String: String]) throws -> PreparedLetter {
        if let missing = DefaultTemplates.missingLetterTemplate(kind, in: workspace.templatesURL) { throw missing }
        try Self.refuseEnclosure(kind, reference: reference)
        let record = try register.get(reference)
        let language = record.complainant.language.letterLanguages[0]
        guard let used = library.effectiveLanguage(kind: kind, requested: language) else {
            throw library.unknownKind(kind)
        }
        if let refusal = Self.refusal(of: kind, for: record) { throw refusal }
        if let refusal = redressRefusal(of: kind, for: record) { throw refusal }
        if let refusal = deadlineRefusal(of: kind, for: record, deadlines: try deadlines.deadlines(for: record)) {
            throw refusal
        }
        try library.checkInputs(kind: kind, language: used, given: inputs)
        if used == .welsh { try refuseMissingWelshForms(kind: kind, record: record) }
        let holding: DeadlineExtension? =
            switch kind {
            case .holding: try holdingExtension(for: record, inputs: inputs)
            case .lateResponse: try lateResponseNotice(for: record, inputs: inputs)
            default: nil
            }
        let context = try context(for: record, kind: kind, language: used, inputs: inputs)
        let access = try accessibleForm(of: kind, for: record, language: used, context: context)
        var merged = try access.easyRead ?? library.merge(kind: kind, language: language, context: context)
        // An easy-read letter is one language only (there is no bilingual easy-read set).
        let english =
            access.easyRead == nil ? try englishPart(of: kind, for: record, written: used, inputs: inputs) : nil
        if let english { merged = .bilingual(welsh: merged, english: english.merged) }
        let largePrint = record.complainant.accessibleInformation.contains(.largePrint)
        var delivery: PreparedLetter.Delivery
        if record.complainant.preferredContact == .email, let email = record.complainant.email {
            delivery = .email(email)
        } else {
            delivery = .post
        }
        var recipientName = record.complainant.fullName
        if kind == .mpLetter {
            // The reply goes to the MP, never to the constituent: by email when the MP gave an address.
            let mp = try MPRecipient(inputs: inputs)
            (delivery, recipientName) = (mp.email.map { PreparedLetter.Delivery.email($0) } ?? .post, mp.name)
        }
        var letter = PreparedLetter(
            reference: record.reference, kind: kind, merged: merged, delivery: delivery,
            largePrint: largePrint && kind != .mpLetter, recipientName: recipientName, holding: holding,
            letterDay: clock.today())
        letter.enclosures = try enclosures(
            for: record, kind: kind, context: context, language: used, englishContext: english?.context)
        (letter.format, letter.holdReasons) = (access.format, access.holds)
        return letter
    }

    /// The extension a holding letter makes: its `newDate` input must be a date later than the current response date.
    func holdingExtension(for record: Case, inputs: [String: String]) throws -> DeadlineExtension {
        guard let raw = inputs["newDate"], let newDate = CivilDate(iso: raw) else {
            throw LetterDeskError.missingInput(
                "newDate", "a holding letter needs the input newDate, in the form YYYY-MM-DD (the new response date)")
        }
        if let outside = CaseDates.outsideWindow(newDate) {
            throw LetterDeskError(message: "newDate: \(outside)")
        }
        let current = try deadlines.deadlines(for: record)
        return try deadlines.calculator(for: record.schedule)
            .extend(current, to: newDate, reason: inputs["reason"] ?? "", today: clock.today()).extension
    }

    /// The exact message that would be queued for an emailed letter: text and HTML, with the PDF letter attached.
    package func compose(
        _ letter: PreparedLetter, date: Date, messageID: MessageIDGenerator = .random
    ) throws -> ComposedMessage {
        guard case .email(let address) = letter.delivery else { throw LetterDeskError.notByEmail(letter.reference) }
        let mail = configuration.mail
        let from = try configuration.teamMailbox()
        let to = try Mailbox(displayName: letter.recipientName, address: address, field: "complainant.email")
        let replyTo = try mail.replyTo.map { try Mailbox(address: $0, field: "mail.replyTo") }
        let pdf = try letter.pdf()
        let enclosed = try letter.enclosures.map {
            MailAttachment(
                filename: letter.attachmentName(of: $0), contentType: "application/pdf", data: try letter.pdf(of: $0))
        }
        let message = MailMessage(
            from: from, to: [to], replyTo: replyTo, subject: letter.merged.subject, text: letter.merged.text,
            html: letter.html,
            attachments: [MailAttachment(filename: letter.attachmentName, contentType: "application/pdf", data: pdf)]
                + enclosed,
            autoSubmitted: letter.kind == .acknowledgement ? .autoReplied : nil
        )
        return try message.composed(date: date, timeZone: .europeLondon, messageID: messageID)
    }

    /// The merge context of a case: every field of ``MergeFieldCatalog/standard`` that the case has.
    package func context(
        for record: Case, kind: LetterKind, language: LetterLanguage, inputs: [String: String]
    ) throws -> MergeContext {
        let dates = LetterDateFormatter()
        func format(_ day: CivilDate) -> MergeValue {
            .string(LetterDateFormatter.string(year: day.year, month: day.month, day: day.day, language: language))
        }
        var context = Self.configurationContext(
            configuration, officer: configuration.officer(record.officer), profile: record.profile, language: language)
        let deadlines = try deadlines.deadlines(for: record)
        var caseFields: [String: MergeValue] = [
            "reference": .string(record.reference), "received": format(record.receivedDate),
            "channel": .string(record.channel.rawValue), "summary": .string(record.summary),
            "service": .string(record.service),
        ]
        if let stage = record.stage { caseFields["stage"] = .string(String(stage)) }
        context["case"] = .object(caseFields)
        var deadlineFields: [String: MergeValue] = [
            "acknowledgeBy": format(deadlines.acknowledgeBy), "respondBy": format(deadlines.respondBy),
            "respondByHasPassed": .bool(deadlines.respondBy < clock.today()),
        ]
        if let backstop = deadlines.backstop { deadlineFields["backstop"] = format(backstop) }
        deadlineFields.merge(stageFields(for: record, deadlines: deadlines)) { _, new in new }
        if deadlines.stage == .one {
            if let cap = self.deadlines.calculator(for: record.schedule).stage1Cap(received: deadlines.received) {
                deadlineFields["stage1Limit"] = format(cap)
            }
            deadlineFields["stage2RequestBy"] = format(stage2RequestBy())
        }
        context["deadlines"] = .object(deadlineFields)
        let person = record.complainant
        context["recipient"] = object([
            "salutation": person.salutationName, "fullName": person.fullName, "addressLines": person.addressLines,
            "postcode": person.postcode ?? "", "email": person.email ?? "",
        ])
        context["complainant"] = object([
            "title": person.title ?? "", "firstName": person.firstName, "lastName": person.lastName,
            "fullName": person.fullName,
        ])
        if let patient = record.patient {
            context["patient"] = object(["fullName": patient.fullName])
        }
        context["hasPatient"] = .bool(record.patient != nil)
        context["consent"] = Self.consentFields(for: record, kind: kind)
        context["jurisdiction"] = .object([
            "england": .bool(record.profile == .england), "wales": .bool(record.profile == .wales),
            "scotland": .bool(record.profile == .scotland),
            "northernIreland": .bool(record.profile == .northernIreland || record.profile == .northernIrelandMCHP),
        ])
        context["letter"] = .object(["date": .string(dates.string(from: clock.now(), language: language))])
        var officerInputs: [String: MergeValue] = [:]
        for (key, value) in inputs {
            if let day = CivilDate(iso: value) {
                officerInputs[key] = format(day)
            } else {
                officerInputs[key] = .string(value)
            }
        }
        context["inputs"] = .object(officerInputs)
        addKindFields(to: &context, record: record, kind: kind, inputs: inputs, format: format)
        addWalesFields(to: &context, record: record, language: language, format: format)
        if kind == .redressResponse { context["redress"] = .object(try redressFields(for: record, inputs: inputs)) }
        if language == .welsh {
            let forms = configuration.welshForms(
                officer: configuration.officer(record.officer), profile: record.profile,
                finalResponse: kind.purpose == .finalResponse)
            WelshForm.apply(forms, to: &context)
        }
        return context
    }

    /// The part of the merge context that comes from the workspace's configuration rather than from the case:
    /// the organisation, manager, signatory, the case's officer (when there is one), advocacy and ombudsman.
    /// `pals config check` merges templates' printed fields against it, so it checks what letters will need.
    package static func configurationContext(
        _ configuration: WorkspaceConfiguration, officer: WorkspaceConfiguration.Officer?, profile: ProfileID,
        language: LetterLanguage
    ) -> MergeContext {
        var context = MergeContext()
        let organisation = configuration.organisation
        let welsh = language == .welsh
        context["organisation"] = object([
            "name": welsh ? organisation.nameCy ?? organisation.name : organisation.name,
            "addressLines": organisation.addressLines, "phone": organisation.phone,
            "email": organisation.email, "web": organisation.web,
        ])
        context["manager"] = object(["name": configuration.manager.name, "role": configuration.manager.role])
        context["signatory"] = object(["name": configuration.signatory.name, "role": configuration.signatory.role])
        if let officer {
            context["officer"] = object(["name": officer.name, "email": officer.email, "phone": officer.phone ?? ""])
        }
        context["signer"] = signer(configuration, officer: officer)
        let advocacy = configuration.advocacy
        context["advocacy"] = object([
            "name": welsh ? advocacy.nameCy ?? advocacy.name : advocacy.name, "phone": advocacy.phone,
            "email": advocacy.email, "web": advocacy.web,
        ])
        let ombudsman = configuration.ombudsmen[OmbudsmanID(profile: profile)] ?? .init()
        context["ombudsman"] = object([
            "name": welsh ? ombudsman.nameCy ?? ombudsman.name : ombudsman.name,
            "shortName": welsh ? ombudsman.shortNameCy ?? ombudsman.shortName : ombudsman.shortName,
            "theName": welsh ? ombudsman.nameCy ?? ombudsman.name : Self.withArticle(ombudsman.name),
            "phone": ombudsman.phone, "web": ombudsman.web, "addressLines": ombudsman.addressLines,
        ])
        if welsh { WelshForm.apply(configuration.welshForms(officer: officer, profile: profile), to: &context) }
        return context
    }

    /// The top-level names ``configurationContext(_:officer:profile:language:)`` fills.
    package static let configurationRoots: Set<String> = [
        "organisation", "manager", "signatory", "officer", "advocacy", "ombudsman", "signer",
    ]

    /// An object whose empty texts and lists are left out, so the strict merge names them if a template needs them.
    private func object(_ fields: [String: any Sendable]) -> MergeValue { Self.object(fields) }

    static func object(_ fields: [String: any Sendable]) -> MergeValue {
        var result: [String: MergeValue] = [:]
        for (key, value) in fields {
            if let text = value as? String, !text.trimmingCharacters(in: .whitespaces).isEmpty {
                result[key] = .string(text)
            } else if let lines = value as? [String], !lines.isEmpty {
                result[key] = .list(lines.map { .string($0) })
            }
        }
        return .object(result)
    }
}

/// A letter merged for a case, with how it reaches the complainant.
package struct PreparedLetter: Sendable {
    /// How the letter is delivered.
    package enum Delivery: Sendable, Equatable {
        /// By email to this address.
        case email(String)
        /// On paper: the PDF goes to the print queue.
        case post
    }

    package let reference: String
    package let kind: LetterKind
    package let merged: MergedLetter
    package let delivery: Delivery
    /// Whether the complainant needs large print (a 16 pt PDF).
    package let largePrint: Bool
    /// The name on the envelope or in the To header (never logged).
    let recipientName: String
    /// For a holding letter, the extension it makes (checked when the letter was prepared).
    package let holding: DeadlineExtension?
    /// The documents sent with the letter (the consent form when the letter says it is enclosed).
    package internal(set) var enclosures: [Enclosure] = []
    /// The accessible form the letter is rendered in (large-print size, easy read).
    package internal(set) var format = LetterFormat()
    /// Why the letter is held for an officer instead of sent (empty: it goes as usual); see ``LetterHoldReason``.
    package internal(set) var holdReasons: [LetterHoldReason] = []

    /// The day the letter is dated; its PDF carries that day as its creation date, so the same letter
    /// previewed and queued on one day is the same PDF.
    let letterDay: CivilDate

    /// The PDF letter (large print or easy read when the complainant needs it).
    package func pdf() throws -> Data {
        try merged.pdf(options: format.pdfOptions(creationDate: letterDay.date(hour: 0, minute: 0)))
    }

    /// The attachment's file name: the reference and the kind, never a name.
    package var attachmentName: String { "\(reference)-\(kind.rawValue).pdf" }

    /// Who the letter goes to, for the preview's header line: the email address, or "post".
    package var recipientLine: String {
        switch delivery {
        case .email(let address): "\(recipientName) <\(address)>"
        case .post: "\(recipientName) (by post)"
        }
    }
}

/// A letter that cannot be prepared or composed as asked. Its message names the case by reference and the letter
/// by kind, never a person, so the log form carries it.
package struct LetterDeskError: PalsError {
    /// What went wrong, comparable with `==` or `~=`.
    package typealias Code = ErrorCode<LetterDeskError>

    package let code: Code
    /// The case concerned, when there is one.
    package let reference: String?
    /// Why the case's lifecycle refuses the letter (code ``ErrorCode/notAllowed``), for advice that names a way out.
    package let refusal: LetterRefusal?
    /// The letter input that is missing or wrong (code ``ErrorCode/missingInput``), e.g. `newDate`.
    package let input: String?
    /// What went wrong and what to do, for the person who asked; it names no command.
    package let message: String

    package init(message: String) { self.init(.other, message: message) }

    init(
        _ code: Code, reference: String? = nil, refusal: LetterRefusal? = nil, input: String? = nil,
        message: String
    ) {
        self.code = code
        self.reference = reference
        self.refusal = refusal
        self.input = input
        self.message = message
    }

    package var errorDescription: String? { message }
    /// The log form: code, context and reason, escaped; no personal data.
    package var description: String { logDescription }
    package var logContext: [(name: String, value: String)] {
        [reference.map { ("case", $0) }, input.map { ("input", $0) }].compactMap { $0 }
    }
    package var logReason: String? { message }

    static func notByEmail(_ reference: String) -> Self {
        Self(
            .notByEmail, reference: reference,
            message: "case \(reference): the complainant is written to by post, so there is no email to show; "
                + "show the letter as a PDF instead")
    }

    /// A letter input the letter cannot be written without, e.g. a holding letter's `newDate`.
    static func missingInput(_ name: String, _ why: String) -> Self {
        Self(.missingInput, input: name, message: why)
    }

    static func notAllowed(_ refusal: LetterRefusal, reference: String, _ message: String) -> Self {
        Self(.notAllowed, reference: reference, refusal: refusal, message: message)
    }
}

extension ErrorCode where Domain == LetterDeskError {
    /// Matches an error against a code in a `switch` or `catch`.
    package static func ~= (code: Self, error: any Error) -> Bool { code.matches(error) }

    /// Anything else (see the message).
    package static let other = Self("other")
    /// The complainant is written to by post, so there is no email.
    package static let notByEmail = Self("notByEmail")
    /// A letter input is missing or not in the form the letter needs (see ``LetterDeskError/input``).
    package static let missingInput = Self("missingInput")
    /// The case's state forbids this kind of letter now (see ``LetterDesk/refusal(of:for:)``).
    package static let notAllowed = Self("notAllowed")
}
