package import Foundation
package import Primitives
package import WorkingDays

/// The life of one case: every change of its state, the rules that allow or refuse it, and the history event each
/// change records.
///
/// A value type holding the case as it stands; each transition is a `mutating func` that checks it is allowed
/// (throwing ``CaseTransitionError`` when not), changes the case and appends the typed ``CaseEvent`` it records to
/// ``events``. It does no I/O: a ``CaseStore`` runs a transition inside one transaction
/// (``CaseStore/apply(_:now:_:)``) and stores the changed case and its events. Nothing else changes a case.
package struct CaseLifecycle: Sendable, Equatable {
    /// The case as the transitions so far left it.
    package private(set) var record: Case
    /// The history events the transitions so far recorded, oldest first.
    package private(set) var events: [CaseEvent] = []

    /// The life of `record` as it stands now.
    package init(_ record: Case) {
        self.record = record
    }

    // MARK: Starting

    /// A newly logged case made from a checked form, and its `logged` event. A complaint acknowledged outside pals
    /// (e.g. by telephone) counts as acknowledged when it was received.
    package static func start(
        _ form: CaseForm, reference: String, caseId: String, now: Date
    ) -> (record: Case, event: CaseEvent) {
        let record = Case(
            reference: reference, caseId: caseId, receivedAt: form.receivedAt, channel: form.channel,
            complainant: form.complainant, patient: form.patient, consent: form.consent,
            summary: form.summary, service: form.service, officer: form.officer, profile: form.profile,
            stage: form.stage, escalatedOn: nil, complexity: form.complexity,
            agreedResponseDate: form.agreedResponseDate, extensions: 0,
            status: form.awaitsTriage ? .triage : form.consent == .requested ? .awaitingConsent : .open,
            acknowledgedOutsidePals: form.acknowledgedOutsidePals,
            acknowledgedAt: form.acknowledgedOutsidePals ? form.receivedAt : nil, attention: nil, closedAt: nil,
            createdAt: now, updatedAt: now, kind: form.kind
        )
        let how = form.acknowledgedOutsidePals ? "; acknowledged outside pals" : ""
        let what = form.kind == .concern ? "concern " : ""
        let note = form.loggedNote.map { "; \($0)" } ?? ""
        let event = CaseEvent(
            at: now, kind: .logged, detail: "\(what)logged by \(form.channel.rawValue)\(how)\(note)")
        return (record, event)
    }

    // MARK: Transitions

    /// A change of a case's state, named so its rule can be asked before it is tried (``refusal(of:)``).
    package enum Transition: String, Sendable, CaseIterable {
        /// The complaint is acknowledged (automatically, by an officer's letter, or outside pals).
        case acknowledge
        /// A holding letter moves the response date.
        case extend
        /// The final response is queued.
        case respond
        /// The case is closed.
        case close
        /// A closed, withdrawn or responded case is worked again.
        case reopen
        /// The complainant withdraws the complaint.
        case withdraw
        /// The case goes to stage 2 of the model complaints procedure.
        case escalate
        /// A response date is agreed with the complainant.
        case agree
        /// The case waits for the patient's consent.
        case awaitConsent
        /// The case stops waiting for consent and is worked again.
        case stopAwaitingConsent
        /// A PALS concern becomes a formal complaint, keeping its receipt date.
        case convertToComplaint
        /// A case from the team mailbox is taken on by an officer (triage → open).
        case triage
    }

    /// Why `transition` is not allowed for the case as it stands, or `nil` when it is.
    package func refusal(of transition: Transition) -> CaseTransitionError? {
        let reference = record.reference
        let status = record.status
        func notIn(_ allowed: Set<CaseStatus>, _ what: String) -> CaseTransitionError? {
            allowed.contains(status) ? nil : .notAllowed(reference, what, status: status)
        }
        switch transition {
        case .acknowledge:
            if let refused = notIn([.open, .awaitingConsent], "be acknowledged") { return refused }
            if record.acknowledgedOutsidePals || record.acknowledgedAt != nil {
                return .alreadyAcknowledged(reference)
            }
            return nil
        case .extend: return notIn([.open, .awaitingConsent], "have its response date extended")
        case .agree: return notIn([.open, .awaitingConsent], "have a response date agreed")
        case .respond: return notIn([.open, .awaitingConsent], "be responded to")
        case .close: return notIn([.open, .awaitingConsent, .responded, .withdrawn], "be closed")
        case .reopen: return notIn([.closed, .withdrawn, .responded], "be reopened")
        case .withdraw: return notIn([.open, .awaitingConsent], "be withdrawn")
        case .escalate:
            if let refused = notIn([.open, .awaitingConsent], "be escalated") { return refused }
            guard record.profile.hasStages else { return .noStages(reference, record.profile) }
            if record.stage == 2 { return .alreadyAtStage2(reference) }
            return nil
        case .awaitConsent: return notIn([.open], "wait for consent")
        case .stopAwaitingConsent: return notIn([.awaitingConsent], "stop waiting for consent")
        case .convertToComplaint:
            if let refused = notIn([.open, .awaitingConsent], "be converted into a complaint") { return refused }
            return record.kind == .concern ? nil : .alreadyAComplaint(reference)
        case .triage: return notIn([.triage], "be triaged")
        }
    }

    /// Whether `transition` is allowed for the case as it stands.
    package func allows(_ transition: Transition) -> Bool { refusal(of: transition) == nil }

    private func check(_ transition: Transition) throws(CaseTransitionError) {
        if let refusal = refusal(of: transition) { throw refusal }
    }

    private mutating func recordEvent(_ kind: CaseEventKind, _ detail: String, at: Date) {
        events.append(CaseEvent(at: at, kind: kind, detail: detail))
    }

    /// Changes the case and records the event (for transitions written in other files, e.g. coding).
    mutating func change(_ kind: CaseEventKind, _ detail: String, at: Date, _ body: (inout Case) -> Void) {
        body(&record)
        recordEvent(kind, detail, at: at)
    }

    /// How a complaint was acknowledged.
    package enum Acknowledgement: Sendable, Equatable {
        /// By the acknowledgement intake queued by itself, for this stage.
        case automatically(stage: Int)
        /// By an acknowledgement letter an officer wrote (`pals letter acknowledgement`).
        case byOfficerLetter
        /// Outside pals (e.g. by telephone): no letter is sent.
        case outsidePals
    }

    /// Marks the complaint acknowledged; refused when it was acknowledged already or is no longer open.
    package mutating func acknowledge(_ how: Acknowledgement, at: Date) throws(CaseTransitionError) {
        try check(.acknowledge)
        record.acknowledgedAt = at
        let detail: String
        switch how {
        case .automatically(let stage): detail = "stage \(stage) acknowledgement queued automatically"
        case .byOfficerLetter: detail = "acknowledgement queued by an officer"
        case .outsidePals:
            record.acknowledgedOutsidePals = true
            detail = "acknowledged outside pals (no letter)"
        }
        recordEvent(.acknowledged, detail, at: at)
    }

    /// Moves the response date to `newDate` because a holding letter (or `notice`, e.g. a late-response letter)
    /// was queued, with the officer's `reason`. A notice never moves a backstop (``Case/backstopAgreedDate``).
    package mutating func extend(
        to newDate: CivilDate, reason: String, at: Date, notice: String = "a holding letter"
    ) throws(CaseTransitionError) {
        try check(.extend)
        record.agreedResponseDate = newDate
        record.extensions += 1
        recordEvent(
            .extended,
            "response date moved to \(newDate.iso) by \(notice) (extension \(record.extensions)): \(reason)",
            at: at)
    }

    /// Records a response date agreed with the complainant: the case's deadlines as ``DeadlineCalculator/agree(_:on:today:)``
    /// left them (`agreed`) become the case's. A backstop it moved is kept as ``Case/backstopAgreedDate``.
    package mutating func agree(_ agreed: CaseDeadlines, previous: CaseDeadlines, at: Date) throws(CaseTransitionError)
    {
        try check(.agree)
        record.agreedResponseDate = agreed.respondBy
        var detail = "response date \(agreed.respondBy.iso) agreed with the complainant"
        if let backstop = agreed.backstop, backstop != previous.backstop {
            record.backstopAgreedDate = backstop
            detail += "; backstop moved from \(previous.backstop?.iso ?? "none") to \(backstop.iso)"
        }
        recordEvent(.agreed, detail, at: at)
    }

    /// Marks the case responded: its final response (for a concern, its resolution letter) was queued.
    package mutating func respond(at: Date) throws(CaseTransitionError) {
        try check(.respond)
        record.status = .responded
        recordEvent(
            .responded, record.kind == .concern ? "concern resolution queued" : "resolution letter queued", at: at)
    }

    /// Turns a PALS concern into a formal complaint. It keeps its receipt date, so its statutory deadlines count
    /// from the day the concern was received; it is no longer acknowledged (a concern never is), so intake sends
    /// the statutory acknowledgement.
    package mutating func convertToComplaint(at: Date) throws(CaseTransitionError) {
        try check(.convertToComplaint)
        record.kind = .complaint
        record.acknowledgedAt = nil
        record.acknowledgedOutsidePals = false
        recordEvent(
            .converted, "concern converted into a complaint (received \(record.receivedDate.iso) still counts)",
            at: at)
    }

    /// Closes the case, keeping the closing time for the retention policy.
    package mutating func close(at: Date) throws(CaseTransitionError) {
        try check(.close)
        record.status = .closed
        record.closedAt = at
        recordEvent(.closed, "case closed", at: at)
    }

    /// Works a closed, withdrawn or responded case again (open, or awaiting consent if consent was requested).
    package mutating func reopen(at: Date) throws(CaseTransitionError) {
        try check(.reopen)
        let previous = record.status
        record.status = record.consent == .requested ? .awaitingConsent : .open
        record.closedAt = nil
        recordEvent(.reopened, "case reopened (was \(previous.rawValue))", at: at)
    }

    /// Marks the complaint withdrawn by the complainant.
    package mutating func withdraw(at: Date) throws(CaseTransitionError) {
        try check(.withdraw)
        record.status = .withdrawn
        recordEvent(.withdrawn, "complaint withdrawn", at: at)
    }

    /// Takes the case to stage 2 on `day`: stage 2 starts its own clock and needs its own acknowledgement (which
    /// intake then sends).
    package mutating func escalate(on day: CivilDate, at: Date) throws(CaseTransitionError) {
        try check(.escalate)
        record.stage = 2
        record.escalatedOn = day
        // A stage-1 date (agreed or extended) is not stage 2's: stage 2 starts its own clock.
        record.agreedResponseDate = nil
        record.acknowledgedAt = nil
        record.acknowledgedOutsidePals = false
        recordEvent(.escalated, "escalated to stage 2 on \(day.iso)", at: at)
    }

    /// Sets the stage an officer chose: stage 2 escalates; stage 1 only names the stage of a staged case that had
    /// none; going back from stage 2 is refused.
    package mutating func setStage(_ stage: Int, on day: CivilDate, at: Date) throws(CaseTransitionError) {
        guard stage != (record.stage ?? 0) else { return }
        switch stage {
        case 2: try escalate(on: day, at: at)
        case 1 where record.stage == nil && record.profile.hasStages: record.stage = 1
        default: throw .invalidStage(record.reference, stage)
        }
    }

    /// Moves the case to the status an officer chose (`pals case update --status`), through the transition that
    /// leads there; the same status is no change.
    package mutating func move(to status: CaseStatus, at: Date) throws(CaseTransitionError) {
        guard status != record.status else { return }
        switch status {
        case .open:
            if record.status == .awaitingConsent {
                try stopAwaitingConsent(at: at)
            } else {
                try reopen(at: at)
                if record.status == .awaitingConsent { try stopAwaitingConsent(at: at) }
            }
        case .awaitingConsent: try awaitConsent(at: at)
        case .responded: try respond(at: at)
        case .withdrawn: try withdraw(at: at)
        case .closed: try close(at: at)
        case .triage: throw .notAllowed(record.reference, "go back to triage", status: record.status)
        }
    }

    /// Sets the case waiting for the patient's consent.
    package mutating func awaitConsent(at: Date) throws(CaseTransitionError) {
        try check(.awaitConsent)
        record.status = .awaitingConsent
        recordEvent(.consent, "waiting for the patient's consent", at: at)
    }

    /// Stops the case waiting for consent: it is worked again.
    package mutating func stopAwaitingConsent(at: Date) throws(CaseTransitionError) {
        try check(.stopAwaitingConsent)
        record.status = .open
        recordEvent(.consent, "no longer waiting for consent", at: at)
    }

    /// Records where the patient's consent stands, refused when ``ConsentChange/refusal`` forbids the change.
    /// Consent requested starts the wait (an open case becomes awaiting-consent); any other state ends it.
    package mutating func recordConsent(_ consent: ConsentState, at: Date) throws(CaseTransitionError) {
        let change = ConsentChange(from: record.consent, to: consent)
        guard change.from != change.to else { return }
        if let why = change.refusal { throw .consentChange(record.reference, why) }
        record.consent = consent
        recordEvent(.consent, change.detail, at: at)
        if consent != .requested, record.status == .awaitingConsent { try stopAwaitingConsent(at: at) }
        if consent == .requested, record.status == .open { try awaitConsent(at: at) }
    }

    // MARK: Team mailbox

    /// Takes on a case that came in by the team mailbox: gives it its officer (and, when given, the profile whose
    /// deadlines apply) and opens it, so its statutory acknowledgement then goes by the automatic path. Given a
    /// `kind`, the case becomes that kind: a PALS concern then gets no statutory acknowledgement.
    package mutating func triage(
        officer: String, profile: ProfileID?, kind: CaseKind? = nil, at: Date
    ) throws(CaseTransitionError) {
        try check(.triage)
        record.officer = officer
        if let profile { record.profile = profile }
        if let kind { record.kind = kind }
        record.stage = record.profile.hasStages ? (record.stage ?? 1) : nil
        record.status = record.consent == .requested ? .awaitingConsent : .open
        let what = record.kind == .concern ? " as a concern" : ""
        recordEvent(.triaged, "triaged\(what): officer \(officer), profile \(record.profile.rawValue)", at: at)
    }

    /// Records a message from the complainant that came in by the team mailbox (`detail` names its kept file and
    /// attachments, never its words) and flags the case for its officer unless it is flagged already.
    package mutating func receiveCorrespondence(_ detail: String, at: Date) {
        recordEvent(.correspondenceReceived, detail, at: at)
        flag(CaseAttention.correspondenceReceived, at: at, unlessFlagged: true)
    }

    /// Records that a message of `kind` the server had accepted came back undelivered, and flags the case.
    package mutating func recordBounce(messageID: String, kind: String, reason: String, at: Date) {
        recordEvent(.letterBounced, "\(kind) \(messageID) bounced: \(reason)", at: at)
        record.attention = .letterBounced(kind: kind, messageID: messageID, reason: reason)
        recordEvent(.attention, record.attention?.text ?? "", at: at)
    }

    // MARK: Attention

    /// Flags the case for its officer's attention; no change when it already says the same. With
    /// `unlessFlagged`, a case that already needs attention for another reason keeps that reason.
    package mutating func flag(_ attention: CaseAttention, at: Date, unlessFlagged: Bool = false) {
        guard record.attention != attention, !(unlessFlagged && record.attention != nil) else { return }
        record.attention = attention
        recordEvent(.attention, attention.text, at: at)
    }

    /// Clears the attention flag once an officer has dealt with it.
    package mutating func clearAttention(at: Date) {
        guard record.attention != nil else { return }
        record.attention = nil
        recordEvent(.attentionCleared, "attention cleared", at: at)
    }

    // MARK: Letters

    /// A move of one of the case's letters, as the postroom and the outbox report it.
    package enum LetterMove: Sendable, Equatable {
        /// Queued by email as this outbox message.
        case queuedByEmail(messageID: String)
        /// Placed in the print queue as this file (its name only).
        case printed(file: String)
        /// Accepted by the mail server, with its reply.
        case sent(messageID: String, reply: String)
        /// Will be tried again, and why.
        case deferred(messageID: String, reason: String)
        /// Failed for good, and why: the case is flagged.
        case failed(messageID: String, reason: String)
        /// On hold for an officer, and why: the case is flagged.
        case held(messageID: String, reason: String)
    }

    /// Records a move of a letter of `kind` (e.g. `holding`, or `alert`); a recording is never refused. A failed or
    /// held message flags the case; its delivery later clears the flag it raised.
    package mutating func record(_ move: LetterMove, kind: String, at: Date) {
        switch move {
        case .queuedByEmail(let id):
            record.lastLetterAt = at
            recordEvent(.letterQueued, "\(kind) queued by email as \(id)", at: at)
        case .printed(let file):
            record.lastLetterAt = at
            recordEvent(.letterPrinted, "\(kind) placed in the print queue as \(file)", at: at)
        case .sent(let id, let reply):
            if record.attention?.concerns(messageID: id) == true { record.attention = nil }
            recordEvent(.letterSent, "\(kind) \(id) accepted: \(reply)", at: at)
        case .deferred(let id, let reason):
            recordEvent(.letterDeferred, "\(kind) \(id) will be retried: \(reason)", at: at)
        case .failed(let id, let reason):
            record.attention = .letterFailed(kind: kind, messageID: id)
            recordEvent(.letterFailed, "\(kind) \(id) failed: \(reason)", at: at)
        case .held(let id, let reason):
            record.attention = .letterHeld(kind: kind, messageID: id)
            recordEvent(.letterHeld, "\(kind) \(id) on hold: \(reason)", at: at)
        }
    }

    /// Why a letter with `purpose` may not be written for the case as it stands, or `nil` when it may (DESIGN
    /// invariant 13).
    ///
    /// - A staff letter (the reminder digest) is never written for a case.
    /// - A closed or withdrawn case takes no letter until it is reopened.
    /// - After the final response only a kind the workspace added itself may be written.
    /// - An acknowledgement is written once per stage.
    /// - A consent request only while consent is requested; a final response only when the consent state allows
    ///   one (``ConsentState/allowsFinalResponse``).
    package func refusal(of purpose: LetterPurpose) -> LetterRefusal? {
        if purpose == .staff { return .staffLetter }
        // A case waiting for triage takes no letter until an officer has taken it on (and chosen its kind).
        if record.status == .triage, purpose != .other { return .notTriaged }
        switch kindRule(for: purpose) {
        case .refuse(let refusal): return refusal
        case .allow: return nil
        case .byStatus: break
        }
        switch record.status {
        case .closed: return .closed
        case .withdrawn: return .withdrawn
        case .responded: return purpose == .other ? nil : .responded(purpose)
        case .triage: return purpose == .other ? nil : .notTriaged
        case .open, .awaitingConsent:
            if purpose == .consentRequest, !record.consent.needsConsentForm {
                return .consentNotRequested(record.consent)
            }
            if purpose == .finalResponse, !record.consent.allowsFinalResponse { return .consentAwaited(record.consent) }
            guard purpose == .acknowledgement else { return nil }
            if record.acknowledgedOutsidePals { return .acknowledgedOutsidePals }
            if let at = record.acknowledgedAt { return .alreadyAcknowledged(on: CivilDate(at)) }
            return nil
        }
    }

    // MARK: Statements

    /// Records a step of a statement request (requested, chased, received) in the case's history; the request
    /// itself is kept by the ``StatementStore``.
    package mutating func recordStatement(_ detail: String, at: Date) {
        recordEvent(.statement, detail, at: at)
    }

    // MARK: Details

    /// Changes the case's details an officer may edit (officer, dates agreed, complexity, contact details, …) and
    /// records `summary` as an `updated` event. The state the lifecycle owns (status, stage, acknowledgement,
    /// consent, attention, extensions, closing, identity) is kept as it was, whatever `change` does.
    package mutating func edit(_ summary: String, at: Date, _ change: (inout Case) -> Void) {
        var edited = record
        change(&edited)
        edited.reference = record.reference
        edited.caseId = record.caseId
        edited.receivedAt = record.receivedAt
        edited.status = record.status
        edited.stage = record.stage
        edited.escalatedOn = record.escalatedOn
        edited.consent = record.consent
        edited.extensions = record.extensions
        edited.acknowledgedAt = record.acknowledgedAt
        edited.acknowledgedOutsidePals = record.acknowledgedOutsidePals
        edited.attention = record.attention
        edited.closedAt = record.closedAt
        edited.backstopAgreedDate = record.backstopAgreedDate
        edited.lastLetterAt = record.lastLetterAt
        edited.createdAt = record.createdAt
        edited.kind = record.kind
        edited.updatedAt = record.updatedAt
        record = edited
        recordEvent(.updated, summary, at: at)
    }
}

/// Why the lifecycle refuses a letter for a case as it stands; Engine words it for the officer.
package enum LetterRefusal: Sendable, Equatable {
    /// The letter goes to staff (the reminder digest), never to a complainant.
    case staffLetter
    /// The case is closed.
    case closed
    /// The complaint was withdrawn.
    case withdrawn
    /// The final response was sent, and a letter with this purpose belongs before it.
    case responded(LetterPurpose)
    /// The complaint was acknowledged outside pals, so no acknowledgement letter is sent.
    case acknowledgedOutsidePals
    /// The complaint was already acknowledged, on this day.
    case alreadyAcknowledged(on: CivilDate)
    /// The case is a PALS concern, and a letter with this purpose belongs to a formal complaint.
    case concern(LetterPurpose)
    /// The letter resolves a PALS concern, and the case is a formal complaint.
    case notAConcern
    /// The letter would share the patient's information, and their consent (in this state) does not allow it.
    case consentDoesNotAllow(ConsentState)
    /// A consent request, but the case's consent state (given) is not `requested`.
    case consentNotRequested(ConsentState)
    /// A final response while the patient's consent is awaited (state given): it would share their information
    /// before they agreed.
    case consentAwaited(ConsentState)
    /// The case came in by the team mailbox and no officer has taken it on yet.
    case notTriaged
}

/// A change of a case its lifecycle refuses, with a code a caller can match and words a person can act on.
package struct CaseTransitionError: Error, LocalizedError, Sendable, Equatable, CustomStringConvertible {
    /// What kind of refusal it is.
    package enum Code: Sendable, Equatable {
        /// The case's status does not allow the change.
        case notAllowedInStatus
        /// The complaint was already acknowledged (by pals, an officer's letter, or outside pals).
        case alreadyAcknowledged
        /// The case's profile has no stages, so it cannot be escalated.
        case noStages
        /// The case is at stage 2 already.
        case alreadyAtStage2
        /// The stage asked for is not one the case can go to.
        case invalidStage
        /// The case is a complaint already, so it cannot be converted into one.
        case alreadyAComplaint
        /// The consent state cannot change as asked (``ConsentChange/refusal``).
        case consentChange
    }

    /// What kind of refusal it is.
    package let code: Code
    /// The case it concerns.
    package let reference: String
    /// What a person reading it needs to know.
    package let message: String

    package var errorDescription: String? { message }
    package var description: String { message }

    static func notAllowed(_ reference: String, _ what: String, status: CaseStatus) -> Self {
        Self(
            code: .notAllowedInStatus, reference: reference,
            message: "case \(reference) cannot \(what): its status is \(status.rawValue)")
    }

    static func alreadyAcknowledged(_ reference: String) -> Self {
        Self(code: .alreadyAcknowledged, reference: reference, message: "case \(reference) was already acknowledged")
    }

    static func noStages(_ reference: String, _ profile: ProfileID) -> Self {
        Self(
            code: .noStages, reference: reference,
            message: "case \(reference) cannot be escalated: profile '\(profile.rawValue)' has no stages")
    }

    static func alreadyAtStage2(_ reference: String) -> Self {
        Self(code: .alreadyAtStage2, reference: reference, message: "case \(reference) is at stage 2 already")
    }

    static func alreadyAComplaint(_ reference: String) -> Self {
        Self(
            code: .alreadyAComplaint, reference: reference,
            message: "case \(reference) is a complaint already: only a PALS concern is converted into one")
    }

    static func consentChange(_ reference: String, _ why: String) -> Self {
        Self(code: .consentChange, reference: reference, message: "case \(reference): \(why)")
    }

    static func invalidStage(_ reference: String, _ stage: Int) -> Self {
        Self(
            code: .invalidStage, reference: reference,
            message: "case \(reference) cannot go to stage \(stage): a case goes from stage 1 to stage 2, never back")
    }
}
