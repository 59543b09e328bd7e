/// Every field a letter template may name: the contract between the templates and the Engine, which
/// fills these from a case. The linter checks templates against it.
package struct MergeFieldCatalog: Sendable {
    /// What a field holds.
    package enum FieldType: Sendable, Hashable {
        /// Text, rendered with `{{path}}`.
        case text
        /// A flag, used as a section `{{#path}}…{{/path}}`.
        case flag
        /// A list of texts, rendered with `{{#path}}{{.}}{{/path}}`.
        case textList
        /// A list of objects whose fields are catalogued under `path.<field>`.
        case objectList
    }

    /// One field of the catalog.
    package struct Field: Sendable, Hashable {
        /// The dotted path, e.g. `recipient.salutation`; `inputs.*` stands for any officer input.
        package let path: String
        /// What it holds.
        package let type: FieldType
        /// Whether it identifies a person or describes their care (never allowed in a subject line).
        package let isPersonal: Bool
        /// What the Engine puts there.
        package let summary: String
    }

    /// The fields, in catalog order.
    package let fields: [Field]
    private let byPath: [String: Field]

    /// Makes a catalog from fields.
    package init(fields: [Field]) {
        self.fields = fields
        self.byPath = Dictionary(fields.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The field at `path`, if catalogued (officer inputs match `inputs.*`).
    package func field(_ path: String) -> Field? {
        if let field = byPath[path] { return field }
        if path.hasPrefix("inputs."), path.split(separator: ".").count == 2 { return byPath["inputs.*"] }
        return nil
    }

    /// Whether `path` is a catalogued field or a prefix of one (an object such as `recipient`).
    func isKnown(_ path: String) -> Bool {
        field(path) != nil || path == "inputs" || fields.contains { $0.path.hasPrefix(path + ".") }
    }

    /// Whether `path` or anything under it is personal.
    func isPersonal(_ path: String) -> Bool {
        if let field = field(path) { return field.isPersonal }
        return fields.contains { $0.path.hasPrefix(path + ".") && $0.isPersonal }
    }

    /// The catalog of the shipped templates and the Engine's merge context.
    package static let standard = MergeFieldCatalog(fields: [
        .init(
            path: "organisation.name", type: .text, isPersonal: false, summary: "The organisation (trust, board) name"),
        .init(
            path: "organisation.addressLines", type: .textList, isPersonal: false,
            summary: "Its postal address, one line each"),
        .init(path: "organisation.phone", type: .text, isPersonal: false, summary: "Its PALS/complaints telephone"),
        .init(path: "organisation.email", type: .text, isPersonal: false, summary: "Its PALS/complaints email"),
        .init(path: "organisation.web", type: .text, isPersonal: false, summary: "Its web address"),
        .init(path: "manager.name", type: .text, isPersonal: false, summary: "The complaints manager"),
        .init(path: "manager.role", type: .text, isPersonal: false, summary: "The complaints manager's role"),
        .init(path: "signatory.name", type: .text, isPersonal: false, summary: "Who signs the letter"),
        .init(path: "signatory.role", type: .text, isPersonal: false, summary: "The signatory's role"),
        .init(path: "officer.name", type: .text, isPersonal: false, summary: "The named contact for the case"),
        .init(path: "officer.email", type: .text, isPersonal: false, summary: "The named contact's email"),
        .init(path: "officer.phone", type: .text, isPersonal: false, summary: "The named contact's telephone"),
        .init(
            path: "case.reference", type: .text, isPersonal: false, summary: "The case reference, e.g. PALS-2026-0042"),
        .init(
            path: "case.received", type: .text, isPersonal: false,
            summary: "Date received, formatted in the letter's language"),
        .init(
            path: "case.channel", type: .text, isPersonal: false, summary: "How it arrived (letter, email, telephone…)"),
        .init(path: "case.summary", type: .text, isPersonal: true, summary: "What the complaint is about"),
        .init(path: "case.service", type: .text, isPersonal: true, summary: "The service or ward concerned"),
        .init(path: "case.stage", type: .text, isPersonal: false, summary: "The complaints stage"),
        .init(
            path: "deadlines.acknowledgeBy", type: .text, isPersonal: false,
            summary: "Acknowledgement deadline, formatted"),
        .init(path: "deadlines.respondBy", type: .text, isPersonal: false, summary: "Target response date, formatted"),
        .init(
            path: "deadlines.respondByHasPassed", type: .flag, isPersonal: false,
            summary: "The target response date is before the letter's date (so a holding letter says it was missed)"),
        .init(
            path: "deadlines.backstop", type: .text, isPersonal: false,
            summary: "Statutory backstop, formatted (may be absent)"),
        .init(
            path: "deadlines.backstopHasPassed", type: .flag, isPersonal: false,
            summary: "The backstop is before the letter's date (a late-response letter is due)"),
        .init(path: "deadlines.ruleSet", type: .text, isPersonal: false, summary: "The rule set of the deadlines"),
        .init(
            path: "deadlines.staged", type: .flag, isPersonal: false,
            summary: "The case follows a two-stage procedure (Scotland, NI model procedure)"),
        .init(path: "deadlines.atStage1", type: .flag, isPersonal: false, summary: "The case is at stage 1"),
        .init(path: "deadlines.atStage2", type: .flag, isPersonal: false, summary: "The case is at stage 2"),
        .init(
            path: "deadlines.stage1WorkingDays", type: .text, isPersonal: false,
            summary: "Working days for a stage-1 decision (staged only)"),
        .init(
            path: "deadlines.stage1ExtendedWorkingDays", type: .text, isPersonal: false,
            summary: "The most working days stage 1 may be extended to (staged only)"),
        .init(
            path: "deadlines.stage1Limit", type: .text, isPersonal: false,
            summary: "The latest stage-1 decision date, formatted (stage 1 only)"),
        .init(
            path: "deadlines.stage2WorkingDays", type: .text, isPersonal: false,
            summary: "Working days for a stage-2 response (staged only)"),
        .init(
            path: "deadlines.stage2RequestMonths", type: .text, isPersonal: false,
            summary: "Months after a stage-1 response to ask for stage 2 (staged only)"),
        .init(
            path: "deadlines.stage2RequestBy", type: .text, isPersonal: false,
            summary: "The day by which stage 2 can be asked for, formatted (stage 1 only)"),
        .init(path: "recipient.salutation", type: .text, isPersonal: true, summary: "E.g. Ms Jones"),
        .init(path: "recipient.fullName", type: .text, isPersonal: true, summary: "The recipient's full name"),
        .init(
            path: "recipient.addressLines", type: .textList, isPersonal: true,
            summary: "Postal address lines without the postcode"),
        .init(path: "recipient.postcode", type: .text, isPersonal: true, summary: "The postcode"),
        .init(path: "recipient.email", type: .text, isPersonal: true, summary: "The recipient's email"),
        .init(path: "complainant.title", type: .text, isPersonal: true, summary: "Title, e.g. Ms"),
        .init(path: "complainant.firstName", type: .text, isPersonal: true, summary: "First name"),
        .init(path: "complainant.lastName", type: .text, isPersonal: true, summary: "Last name"),
        .init(path: "complainant.fullName", type: .text, isPersonal: true, summary: "Full name"),
        .init(
            path: "patient.fullName", type: .text, isPersonal: true, summary: "The patient, when not the complainant"),
        .init(path: "hasPatient", type: .flag, isPersonal: false, summary: "The complainant is not the patient"),
        .init(path: "consent.needed", type: .flag, isPersonal: false, summary: "Patient consent is still needed"),
        .init(path: "consent.requested", type: .flag, isPersonal: false, summary: "Consent has been requested"),
        .init(path: "consent.received", type: .flag, isPersonal: false, summary: "Consent has been received"),
        .init(path: "consent.refused", type: .flag, isPersonal: false, summary: "Consent was refused"),
        .init(path: "consent.notNeeded", type: .flag, isPersonal: false, summary: "No consent is needed"),
        .init(
            path: "consent.deceased", type: .flag, isPersonal: false,
            summary: "The complainant represents a patient who has died"),
        .init(
            path: "consent.lacksCapacity", type: .flag, isPersonal: false,
            summary: "The complainant acts in the best interests of a patient who lacks capacity"),
        .init(
            path: "consent.disclosureAllowed", type: .flag, isPersonal: false,
            summary: "The patient's information may be shared with the complainant"),
        .init(
            path: "consent.noDisclosure", type: .flag, isPersonal: false,
            summary: "The patient's information may not be shared (consent requested or refused)"),
        .init(
            path: "consent.askForAuthority", type: .flag, isPersonal: false,
            summary: "We may ask for evidence that the complainant is the representative or has authority to act"),
        .init(
            path: "consent.formEnclosed", type: .flag, isPersonal: false,
            summary: "This letter encloses the consent form (it is attached)"),
        .init(path: "advocacy.name", type: .text, isPersonal: false, summary: "The independent advocacy provider"),
        .init(path: "advocacy.phone", type: .text, isPersonal: false, summary: "Its telephone"),
        .init(path: "advocacy.email", type: .text, isPersonal: false, summary: "Its email"),
        .init(path: "advocacy.web", type: .text, isPersonal: false, summary: "Its web address"),
        .init(path: "ombudsman.name", type: .text, isPersonal: false, summary: "The ombudsman of the jurisdiction"),
        .init(path: "ombudsman.shortName", type: .text, isPersonal: false, summary: "PHSO, PSOW, SPSO or NIPSO"),
        .init(path: "ombudsman.phone", type: .text, isPersonal: false, summary: "Its telephone"),
        .init(path: "ombudsman.web", type: .text, isPersonal: false, summary: "Its web address"),
        .init(path: "ombudsman.addressLines", type: .textList, isPersonal: false, summary: "Its postal address"),
        .init(path: "jurisdiction.england", type: .flag, isPersonal: false, summary: "England (PHSO)"),
        .init(path: "jurisdiction.wales", type: .flag, isPersonal: false, summary: "Wales (PSOW)"),
        .init(path: "jurisdiction.scotland", type: .flag, isPersonal: false, summary: "Scotland (SPSO)"),
        .init(
            path: "jurisdiction.northernIreland", type: .flag, isPersonal: false, summary: "Northern Ireland (NIPSO)"),
        .init(path: "letter.date", type: .text, isPersonal: false, summary: "The date of the letter, formatted"),
        .init(
            path: "inputs.*", type: .text, isPersonal: true,
            summary: "An officer input declared in the template's front matter"),
        .init(
            path: "signer.name", type: .text, isPersonal: false,
            summary: "Who signs: the officer (or manager); the signatory on the final response"),
        .init(path: "signer.role", type: .text, isPersonal: false, summary: "The signer's role"),
        .init(
            path: "ombudsman.theName", type: .text, isPersonal: false,
            summary: "The ombudsman's name with \"the\" (English), e.g. the Parliamentary and Health Service Ombudsman"),
        .init(
            path: "timeLimit.months", type: .text, isPersonal: false,
            summary: "Months within which a complaint is normally made (12; 6 in Scotland)"),
        .init(path: "case.isConcern", type: .flag, isPersonal: false, summary: "The case is a PALS concern"),
        .init(
            path: "case.concernTarget", type: .text, isPersonal: false,
            summary: "The day a PALS concern should be resolved by, formatted (concerns only)"),
        .init(path: "digest.officerName", type: .text, isPersonal: false, summary: "The officer the digest is for"),
        .init(path: "digest.date", type: .text, isPersonal: false, summary: "The digest's date, formatted"),
        .init(path: "digest.items", type: .objectList, isPersonal: false, summary: "Deadlines to watch"),
        .init(path: "digest.items.reference", type: .text, isPersonal: false, summary: "Case reference"),
        .init(path: "digest.items.deadline", type: .text, isPersonal: false, summary: "acknowledgement or response"),
        .init(path: "digest.items.due", type: .text, isPersonal: false, summary: "Due date, formatted"),
        .init(
            path: "digest.items.daysRemaining", type: .text, isPersonal: false,
            summary: "Working days left (negative when overdue)"),
        .init(path: "digest.items.state", type: .text, isPersonal: false, summary: "RED, AMBER or GREEN"),
        .init(
            path: "wales.listeningToPeople", type: .flag, isPersonal: false,
            summary: "A Welsh concern received from 2026-04-01: the 2025 amendment (Listening to People) applies"),
        .init(
            path: "wales.earlyResolutionBy", type: .text, isPersonal: false,
            summary: "The target day to complete early resolution, formatted (only when its period is configured)"),
        .init(
            path: "wales.redressCap", type: .text, isPersonal: false,
            summary: "The most financial redress a Welsh NHS body may offer for this case, e.g. £50,000 (Wales)"),
        .init(path: "wales.llais.name", type: .text, isPersonal: false, summary: "Llais, which offers advocacy"),
        .init(path: "wales.llais.phone", type: .text, isPersonal: false, summary: "Llais's telephone (may be absent)"),
        .init(path: "wales.llais.email", type: .text, isPersonal: false, summary: "Llais's email (may be absent)"),
        .init(path: "wales.llais.web", type: .text, isPersonal: false, summary: "Llais's website (may be absent)"),
        .init(
            path: "redress.liabilityFound", type: .flag, isPersonal: false,
            summary: "Redress response: there is a qualifying liability (input liability=yes)"),
        .init(
            path: "redress.noLiability", type: .flag, isPersonal: false,
            summary: "Redress response: there is no qualifying liability (input liability=no)"),
        .init(
            path: "redress.financialAmount", type: .text, isPersonal: false,
            summary: "Redress response: the financial redress offered, e.g. £2,500 (may be absent)"),
    ])
}
