package import Casework
package import Foundation
package import Logging
import Mail
package import Outbox
package import Primitives
package import WorkingDays

/// What the CLI and the daemon do to cases in a workspace: log, change, close, look up.
package struct Casebook: Sendable {
    /// The workspace the cases belong to.
    package let workspace: Workspace
    /// Its case store (the SQLite register; a test may give an in-memory one). Every change of a case goes
    /// through the store's lifecycle transitions (``CaseStore/apply(_:now:_:)``).
    package let register: any CaseStore
    /// The clock every "now" comes from.
    package let clock: WallClock
    /// The outbox store this casebook was given (an in-memory one in tests); nil means the workspace's `Outbox/`
    /// folder, opened only when needed, so a command that only looks never creates it.
    let givenOutbox: (any OutboxStore)?

    /// Opens the cases of a workspace; `readOnly` for commands that only look (they then work on a full or
    /// read-only filesystem and never write the register).
    /// - Parameters:
    ///   - outbox: the outbox store of the workspace's messages; by default its `Outbox/` folder.
    package init(
        workspace: Workspace, clock: WallClock, readOnly: Bool = false, outbox: (any OutboxStore)? = nil
    ) throws {
        self.workspace = workspace
        self.register = try workspace.register(readOnly: readOnly)
        self.clock = clock
        givenOutbox = outbox
    }

    /// The cases of `workspace` in a register already open (the daemon's reload keeps its register: a second
    /// SQLite pool on the same file in one process would, on closing, delete the write-ahead log under the other).
    /// - Parameters:
    ///   - outbox: the outbox store of the workspace's messages; by default its `Outbox/` folder.
    package init(workspace: Workspace, register: any CaseStore, outbox: (any OutboxStore)? = nil, clock: WallClock) {
        self.workspace = workspace
        self.register = register
        self.clock = clock
        givenOutbox = outbox
    }

    /// The outbox store of the workspace's messages: the one given, else the `Outbox/` folder (made if missing).
    /// - Parameters:
    ///   - logger: where the folder outbox logs recoveries and failures to record (a given store keeps its own).
    package func outbox(logger: Logger = .outboxSilent) throws -> any OutboxStore {
        if let givenOutbox { return givenOutbox }
        return try Outbox(folder: workspace.outboxURL, clock: clock, logger: logger)
    }

    private var configuration: WorkspaceConfiguration { workspace.configuration }

    /// The rules a new case is checked against.
    package var formRules: CaseForm.Rules {
        var rules = CaseForm.Rules(
            officers: Set(configuration.officers.map(\.id)), defaultProfile: configuration.profile,
            complexities: Set(configuration.deadlines.targets.keys), now: clock.now(),
            isEmailAddress: EmailAddress.isValid
        )
        rules.successions =
            configuration.jurisdiction.northernIrelandModelProcedureFrom.map {
                [.northernIrelandModelProcedure(from: $0)]
            } ?? []
        return rules
    }

    /// Logs a complaint from the case JSON format; nothing is stored unless every field is valid.
    package func log(json: Data) throws -> Case {
        let form = try CaseForm.parse(json: json, rules: formRules)
        let logged = try register.create(
            form, pattern: configuration.referencePattern, now: clock.now(),
            taken: try referencesInOutbox(received: form.receivedAt))
        DaemonLock.nudge(workspace)
        return logged
    }

    /// Every case reference the outbox and archive carry (the `case` label of a message in any state) that a case
    /// received on `received` could be given: a new case never gets one of them, even when the register was
    /// restored from an older backup.
    ///
    /// One scan of the sidecars' labels per new case rather than a high-water mark, because the register (where a
    /// mark would live) is exactly what may have been restored from an older copy. When the reference pattern
    /// has a year, only messages queued from the year before the receipt on are read (a message cannot carry a
    /// reference before its case was received): about a year or two of messages, not ten.
    func referencesInOutbox(received: Date) throws -> Set<String> {
        let outbox = try outbox()
        let yearly = configuration.referencePattern.text.contains("{YY")
        let from = yearly ? String(format: "%04d", CivilDate(received).year - 1) : ""
        return outbox.labelValues(MessageLabels.Key.reference.rawValue, idsFrom: from)
    }

    /// Applies an officer's changes to a case; nothing is stored unless every change is valid.
    @discardableResult
    package func update(_ reference: String, _ changes: CaseChanges) throws -> Case {
        let current = try register.get(reference)
        let problems = changes.problems(for: current, configuration: configuration)
        guard problems.isEmpty else { throw CaseFormError(problems, outcome: "\(reference) was not changed") }
        let now = clock.now()
        let today = CivilDate(now)
        let summary = changes.summary
        guard !summary.isEmpty else { throw CaseChangesError.nothingToChange }
        let agreement = try changes.agreement(for: current, desk: try DeadlineDesk(workspace: workspace), today: today)
        let updated = try register.apply(reference, now: now) { lifecycle in
            try changes.apply(to: &lifecycle, summary: summary, today: today, at: now, agreement: agreement)
        }
        DaemonLock.nudge(workspace)
        return updated
    }

    /// Closes a case (status `closed`, the closing time kept for the retention policy).
    @discardableResult
    package func close(_ reference: String) throws -> Case {
        let now = clock.now()
        do {
            return try register.apply(reference, now: now) { lifecycle in try lifecycle.close(at: now) }
        } catch let error as CaseTransitionError where error.code == .notAllowedInStatus {
            throw RegisterError.invalid(reference, "is already closed")
        }
    }
}

/// The changes an officer makes with `pals case update`; `nil` leaves a field as it is.
package struct CaseChanges: Sendable {
    package var officer: String?
    package var status: CaseStatus?
    package var agreedResponseDate: CivilDate?
    /// Whether ``agreedResponseDate`` was agreed with the complainant (England reg 14: only such an agreement,
    /// made before the backstop passes, moves the backstop); without it the date is the team's own target.
    package var agreedWithComplainant = false
    package var consent: ConsentState?
    package var stage: Int?
    package var complexity: String?
    package var email: String?
    package var phone: String?
    package var addressLines: [String]?
    package var postcode: String?
    package var preferredContact: ContactPreference?
    package var language: Language?
    package var accessibleInformation: [AccessibleInformationNeed]?
    /// The language letters are translated into, for the `another-language` need (empty to remove).
    package var interpreterLanguage: String?
    /// Clears the "needs attention" flag once an officer has dealt with a failed or held letter.
    package var clearAttention = false

    package init() {}

    /// A history line naming which fields changed (never their personal values).
    var summary: String {
        var parts: [String] = []
        if let officer { parts.append("officer → \(officer)") }
        if let status { parts.append("status → \(status.rawValue)") }
        if let agreedResponseDate {
            let how = agreedWithComplainant ? " (agreed with the complainant)" : ""
            parts.append("agreed response date → \(agreedResponseDate.iso)\(how)")
        }
        if let consent { parts.append("consent → \(consent.rawValue)") }
        if let stage { parts.append("stage → \(stage)") }
        if let complexity { parts.append("complexity → \(complexity)") }
        if let preferredContact { parts.append("preferred contact → \(preferredContact.rawValue)") }
        if let language { parts.append("language → \(language.rawValue)") }
        if let accessibleInformation {
            parts.append("accessible information → \(accessibleInformation.map(\.rawValue).joined(separator: ", "))")
        }
        if interpreterLanguage != nil { parts.append("translation language changed") }
        if clearAttention { parts.append("attention cleared") }
        let contact = [
            email.map { _ in "email" }, phone.map { _ in "phone" }, addressLines.map { _ in "address" },
            postcode.map { _ in "postcode" },
        ].compactMap { $0 }
        if !contact.isEmpty { parts.append("contact details changed (\(contact.joined(separator: ", ")))") }
        return parts.joined(separator: "; ")
    }

    func problems(for current: Case, configuration: WorkspaceConfiguration) -> [CaseFieldProblem] {
        var problems: [CaseFieldProblem] = []
        if let officer, configuration.officer(officer) == nil {
            let known = configuration.officers.map(\.id).joined(separator: ", ")
            problems.append(
                .init(field: "officer", message: "'\(officer)' is not an officer of this workspace (known: \(known))"))
        }
        if status == .closed {
            problems.append(
                .init(field: "status", message: "close the case instead, so the closing is recorded for retention"))
        }
        if let stage {
            if !current.profile.hasStages {
                problems.append(.init(field: "stage", message: "profile '\(current.profile.rawValue)' has no stages"))
            } else if ![1, 2].contains(stage) {
                problems.append(.init(field: "stage", message: "must be 1 or 2"))
            } else if stage < (current.stage ?? 1) {
                problems.append(.init(field: "stage", message: "a case cannot go back from stage 2 to stage 1"))
            }
        }
        if let consent, consent != .notNeeded, current.patient == nil {
            problems.append(.init(field: "consent", message: "the case has no patient, so no consent is needed"))
        }
        if let complexity, configuration.deadlines.targets[complexity] == nil {
            let known = configuration.deadlines.targets.keys.sorted().joined(separator: ", ")
            problems.append(
                .init(field: "complexity", message: "'\(complexity)' is not a configured complexity (known: \(known))"))
        }
        if let email, !email.isEmpty, !EmailAddress.isValid(email) {
            problems.append(.init(field: "email", message: "is not a valid email address"))
        }
        let email = self.email ?? current.complainant.email
        if (preferredContact ?? current.complainant.preferredContact) == .email, email?.isEmpty ?? true {
            problems.append(.init(field: "email", message: "is missing but the preferred contact is email"))
        }
        let translated = interpreterLanguage.map { $0.isEmpty ? nil : $0 } ?? current.complainant.interpreterLanguage
        if (accessibleInformation ?? current.complainant.accessibleInformation).contains(.anotherLanguage),
            translated == nil
        {
            problems.append(
                .init(field: "interpreter-language", message: "is missing but the needs include another-language"))
        }
        if let agreedResponseDate,
            let why = CaseDates.agreedResponseProblem(agreedResponseDate, received: current.receivedDate)
        {
            problems.append(.init(field: "agreed-response-date", message: why))
        }
        return problems
    }

    /// Applies the changes through the case's lifecycle: the details as one `updated` event with `summary`, then
    /// each change of state (status, consent, stage, attention) by its own transition, refused when the case's
    /// state does not allow it.
    func apply(
        to lifecycle: inout CaseLifecycle, summary: String, today: CivilDate, at now: Date,
        agreement: (agreed: CaseDeadlines, previous: CaseDeadlines)? = nil
    ) throws {
        lifecycle.edit(summary, at: now) { record in
            if let officer { record.officer = officer }
            if let agreedResponseDate, agreement == nil { record.agreedResponseDate = agreedResponseDate }
            if let complexity { record.complexity = complexity }
            if let email { record.complainant.email = email.isEmpty ? nil : email }
            if let phone { record.complainant.phone = phone.isEmpty ? nil : phone }
            if let addressLines { record.complainant.addressLines = addressLines }
            if let postcode { record.complainant.postcode = postcode.isEmpty ? nil : postcode }
            if let preferredContact { record.complainant.preferredContact = preferredContact }
            if let language { record.complainant.language = language }
            if let accessibleInformation { record.complainant.accessibleInformation = accessibleInformation }
            if let interpreterLanguage {
                record.complainant.interpreterLanguage = interpreterLanguage.isEmpty ? nil : interpreterLanguage
            }
        }
        if let status { try lifecycle.move(to: status, at: now) }
        if let consent { try lifecycle.recordConsent(consent, at: now) }
        if let agreement { try lifecycle.agree(agreement.agreed, previous: agreement.previous, at: now) }
        if let stage { try lifecycle.setStage(stage, on: today, at: now) }
        if clearAttention { lifecycle.clearAttention(at: now) }
    }

    /// The case's deadlines before and after the response date agreed with the complainant, or nil when no
    /// agreement is recorded. A date the team sets without the complainant's agreement may not pass the backstop
    /// (only an agreement can move it) nor stage 1's limit.
    /// - Throws: ``DeadlineError`` when the backstop has passed (``DeadlineError/Code/backstopPassed``), the
    ///   date needs the complainant's agreement, or it is beyond stage 1's limit.
    func agreement(
        for current: Case, desk: DeadlineDesk, today: CivilDate
    ) throws -> (agreed: CaseDeadlines, previous: CaseDeadlines)? {
        guard let date = agreedResponseDate else {
            if agreedWithComplainant {
                throw DeadlineError.needsDate("an agreement with the complainant needs the response date agreed")
            }
            return nil
        }
        let deadlines = try desk.deadlines(for: current)
        let calculator = desk.calculator(for: current.schedule)
        if agreedWithComplainant { return (try calculator.agree(deadlines, on: date, today: today), deadlines) }
        if let backstop = deadlines.backstop, date > backstop {
            throw DeadlineError.needsAgreement(date: date, backstop: backstop)
        }
        try calculator.checkStage1Cap(date, deadlines: deadlines)
        return nil
    }
}

/// A change to a case that changes nothing.
package struct CaseChangesError: PalsError {
    /// What kind of problem this is.
    package typealias Code = ErrorCode<CaseChangesError>

    package let code: Code
    /// What to do instead, for the person who asked.
    package let message: String

    package var errorDescription: String? { message }
    /// The log form: code, context and reason, escaped; no personal data.
    package var description: String { logDescription }
    package var logReason: String? { message }

    static let nothingToChange = Self(
        code: .nothingToChange, message: "nothing to change: give at least one detail to change")
}

extension ErrorCode where Domain == CaseChangesError {
    /// Matches an error against a code in a `switch` or `catch`.
    package static func ~= (code: Self, error: any Error) -> Bool { code.matches(error) }

    /// No change was given.
    package static let nothingToChange = Self("nothing to change")
}

extension EmailAddress {
    /// Whether `text` is an address pals can send to (RFC 5321, ASCII).
    static func isValid(_ text: String) -> Bool { (try? EmailAddress(text)) != nil }
}
