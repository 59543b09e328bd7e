import Casework
import Foundation
import Primitives
import Testing
import WorkingDays

/// A case in `status`, as the lifecycle starts it from the invented complaint (Scotland, stage 1, so it can be
/// escalated), not yet acknowledged.
func lifecycleCase(_ status: CaseStatus = .open, profile: String = "scotland") throws -> Case {
    let form = try CaseForm.parse(json: complaintJSON(["profile": profile]), rules: rules)
    var record = CaseLifecycle.start(form, reference: "PALS-2026-0001", caseId: "id-1", now: rules.now).record
    record.status = status
    if status == .closed { record.closedAt = rules.now }
    return record
}

/// The rule each transition follows, written out as a table a person can check against the procedures.
let allowedFrom: [CaseLifecycle.Transition: Set<CaseStatus>] = [
    .acknowledge: [.open, .awaitingConsent],
    .extend: [.open, .awaitingConsent],
    .respond: [.open, .awaitingConsent],
    .close: [.open, .awaitingConsent, .responded, .withdrawn],
    .reopen: [.closed, .withdrawn, .responded],
    .withdraw: [.open, .awaitingConsent],
    .escalate: [.open, .awaitingConsent],
    .awaitConsent: [.open],
    .stopAwaitingConsent: [.awaitingConsent],
    .agree: [.open, .awaitingConsent],
    .convertToComplaint: [.open, .awaitingConsent],
    .triage: [.triage],
]

@Suite("The case lifecycle")
struct CaseLifecycleTests {
    let at = rules.now

    /// Runs `transition` the way Engine does, returning the lifecycle after it, or the refusal.
    func run(_ transition: CaseLifecycle.Transition, on record: Case) -> Result<CaseLifecycle, CaseTransitionError> {
        var lifecycle = CaseLifecycle(record)
        do throws(CaseTransitionError) {
            switch transition {
            case .acknowledge: try lifecycle.acknowledge(.automatically(stage: 1), at: at)
            case .extend: try lifecycle.extend(to: CivilDate(iso: "2027-01-20")!, reason: "a statement", at: at)
            case .respond: try lifecycle.respond(at: at)
            case .close: try lifecycle.close(at: at)
            case .reopen: try lifecycle.reopen(at: at)
            case .withdraw: try lifecycle.withdraw(at: at)
            case .escalate: try lifecycle.escalate(on: CivilDate(at), at: at)
            case .awaitConsent: try lifecycle.awaitConsent(at: at)
            case .stopAwaitingConsent: try lifecycle.stopAwaitingConsent(at: at)
            case .agree:
                let deadlines = CaseDeadlines(
                    profile: .england, stage: nil, received: CivilDate(at), acknowledgeBy: CivilDate(at),
                    respondBy: CivilDate(at), backstop: nil, division: .englandAndWales, calendarVersion: "test")
                try lifecycle.agree(deadlines, previous: deadlines, at: at)
            case .convertToComplaint: try lifecycle.convertToComplaint(at: at)
            case .triage: try lifecycle.triage(officer: "sam", profile: nil, at: at)
            }
            return .success(lifecycle)
        } catch {
            return .failure(error)
        }
    }

    @Test(
        "each transition is allowed exactly from the statuses its rule names, and refused from the others",
        arguments: CaseStatus.allCases, CaseLifecycle.Transition.allCases)
    func transitionRules(status: CaseStatus, transition: CaseLifecycle.Transition) throws {
        var record = try lifecycleCase(status)
        // Only a PALS concern is converted into a complaint.
        if transition == .convertToComplaint { record.kind = .concern }
        let allowed = allowedFrom[transition]!.contains(status)
        #expect(CaseLifecycle(record).allows(transition) == allowed)
        switch run(transition, on: record) {
        case .success(let lifecycle):
            #expect(allowed, "\(transition) from \(status) should be refused")
            #expect(lifecycle.events.count == 1, "one event per transition")
        case .failure(let refusal):
            #expect(!allowed, "\(transition) from \(status) should be allowed: \(refusal)")
            #expect(refusal.code == .notAllowedInStatus)
            #expect(refusal.message.contains(status.rawValue), "says the status: \(refusal.message)")
        }
    }

    /// What each transition leaves and records, from a status that allows it.
    static let outcomes: [(CaseLifecycle.Transition, CaseStatus, CaseStatus, CaseEventKind)] = [
        (.acknowledge, .open, .open, .acknowledged),
        (.extend, .open, .open, .extended),
        (.respond, .open, .responded, .responded),
        (.close, .responded, .closed, .closed),
        (.reopen, .closed, .open, .reopened),
        (.withdraw, .awaitingConsent, .withdrawn, .withdrawn),
        (.escalate, .open, .open, .escalated),
        (.awaitConsent, .open, .awaitingConsent, .consent),
        (.stopAwaitingConsent, .awaitingConsent, .open, .consent),
    ]

    @Test("each transition leaves the status its rule says and records its typed event", arguments: outcomes)
    func transitionOutcome(
        transition: CaseLifecycle.Transition, from: CaseStatus, to: CaseStatus, kind: CaseEventKind
    ) throws {
        let lifecycle = try run(transition, on: try lifecycleCase(from)).get()
        #expect(lifecycle.record.status == to)
        #expect(lifecycle.events.map(\.kind) == [kind])
        #expect(lifecycle.events.allSatisfy { $0.at == at })
    }

    @Test("the state each transition owns changes with it")
    func ownedState() throws {
        var life = CaseLifecycle(try lifecycleCase())
        try life.acknowledge(.byOfficerLetter, at: at)
        #expect(life.record.acknowledgedAt == at && !life.record.acknowledgedOutsidePals)
        try life.extend(to: CivilDate(iso: "2027-01-20")!, reason: "a statement", at: at)
        try life.extend(to: CivilDate(iso: "2027-02-20")!, reason: "another", at: at)
        #expect(life.record.agreedResponseDate == CivilDate(iso: "2027-02-20") && life.record.extensions == 2)
        #expect(
            life.events.last?.detail == "response date moved to 2027-02-20 by a holding letter (extension 2): another")
        try life.escalate(on: CivilDate(iso: "2026-11-26")!, at: at)
        #expect(life.record.stage == 2 && life.record.escalatedOn == CivilDate(iso: "2026-11-26"))
        #expect(life.record.acknowledgedAt == nil, "stage 2 needs its own acknowledgement")
        try life.close(at: at)
        #expect(life.record.closedAt == at)
        try life.reopen(at: at)
        #expect(life.record.closedAt == nil && life.record.status == .open)
    }

    @Test(
        "an acknowledgement is made once, however it was made",
        arguments: [
            CaseLifecycle.Acknowledgement.automatically(stage: 1), .byOfficerLetter, .outsidePals,
        ])
    func acknowledgeOnce(first: CaseLifecycle.Acknowledgement) throws {
        var life = CaseLifecycle(try lifecycleCase())
        try life.acknowledge(first, at: at)
        #expect(life.record.acknowledgedOutsidePals == (first == .outsidePals))
        #expect(throws: CaseTransitionError.self) { try life.acknowledge(.automatically(stage: 1), at: at) }
        #expect(life.refusal(of: .acknowledge)?.code == .alreadyAcknowledged)
    }

    @Test("a profile without stages cannot be escalated; stage 2 only once, and never back")
    func stages() throws {
        var unstaged = CaseLifecycle(try lifecycleCase(profile: "england"))
        #expect(unstaged.refusal(of: .escalate)?.code == .noStages)
        #expect(throws: CaseTransitionError.self) { try unstaged.setStage(2, on: CivilDate(at), at: at) }
        var staged = CaseLifecycle(try lifecycleCase())
        try staged.setStage(2, on: CivilDate(at), at: at)
        #expect(staged.refusal(of: .escalate)?.code == .alreadyAtStage2)
        #expect(throws: CaseTransitionError.self) { try staged.setStage(1, on: CivilDate(at), at: at) }
        try staged.setStage(2, on: CivilDate(at), at: at)
        #expect(staged.events.map(\.kind) == [.escalated], "the same stage again is no change")
    }

    @Test(
        "an officer's status choice goes through the transition that leads there",
        arguments: [
            (CaseStatus.closed, CaseStatus.open, [CaseEventKind.reopened]),
            (.withdrawn, .open, [.reopened]),
            (.awaitingConsent, .open, [.consent]),
            (.open, .awaitingConsent, [.consent]),
            (.open, .responded, [.responded]),
            (.open, .withdrawn, [.withdrawn]),
            (.open, .open, []),
        ])
    func move(from: CaseStatus, to: CaseStatus, kinds: [CaseEventKind]) throws {
        var life = CaseLifecycle(try lifecycleCase(from))
        try life.move(to: to, at: at)
        #expect(life.record.status == to)
        #expect(life.events.map(\.kind) == kinds)
    }

    @Test(
        "a status no transition leads to from here is refused",
        arguments: [
            (CaseStatus.closed, CaseStatus.responded), (.closed, .withdrawn), (.withdrawn, .responded),
            (.responded, .awaitingConsent), (.closed, .awaitingConsent),
        ])
    func moveRefused(from: CaseStatus, to: CaseStatus) throws {
        var life = CaseLifecycle(try lifecycleCase(from))
        #expect(throws: CaseTransitionError.self) { try life.move(to: to, at: at) }
    }

    @Test("consent received ends the wait for it; consent requested starts it")
    func consent() throws {
        var life = CaseLifecycle(try lifecycleCase())
        try life.recordConsent(.requested, at: at)
        #expect(life.record.status == .awaitingConsent)
        try life.recordConsent(.received, at: at)
        #expect(life.record.status == .open && life.record.consent == .received)
        #expect(life.events.map(\.kind) == [.consent, .consent, .consent, .consent])
    }

    @Test("an edit changes the details and keeps the state the lifecycle owns")
    func edit() throws {
        var life = CaseLifecycle(try lifecycleCase())
        life.edit("officer → sam", at: at) { record in
            record.officer = "sam"
            record.status = .closed
            record.acknowledgedAt = Date(timeIntervalSince1970: 0)
            record.attention = .intakeFailed("forged")
            record.extensions = 9
        }
        #expect(life.record.officer == "sam")
        #expect(life.record.status == .open && life.record.acknowledgedAt == nil)
        #expect(life.record.attention == nil && life.record.extensions == 0)
        #expect(life.events == [CaseEvent(at: at, kind: .updated, detail: "officer → sam")])
    }

    // MARK: Letters

    /// The letters each status allows (for a complaint not yet acknowledged, with no patient, so no consent
    /// request: CaseKindRuleTests has concerns, ConsentTests the letters each consent state allows).
    static let lettersAllowed: [CaseStatus: Set<LetterPurpose>] = [
        .open: [
            .acknowledgement, .progress, .timeLimitDecision, .finalResponse, .other, .withdrawalConfirmation,
            .redirection, .representativeReply,
        ],
        .awaitingConsent: [
            .acknowledgement, .progress, .timeLimitDecision, .finalResponse, .other, .withdrawalConfirmation,
            .redirection, .representativeReply,
        ],
        .responded: [.other, .representativeReply],
        .closed: [],
        .withdrawn: [.withdrawalConfirmation],
        .triage: [.other],
    ]

    @Test("the letters each state allows", arguments: CaseStatus.allCases, LetterPurpose.allCases)
    func letters(status: CaseStatus, purpose: LetterPurpose) throws {
        let refusal = CaseLifecycle(try lifecycleCase(status)).refusal(of: purpose)
        #expect((refusal == nil) == Self.lettersAllowed[status]!.contains(purpose), "\(String(describing: refusal))")
        if purpose == .staff { #expect(refusal == .staffLetter) }
        // A complaint is refused the concern resolution whatever its status (see CaseKindRuleTests); a case in
        // triage is not yet a complaint or a concern, and takes no letter until it is triaged.
        if purpose == .concernResolution, ![.closed, .withdrawn, .triage].contains(status) {
            #expect(refusal == .notAConcern)
        }
        if status == .closed, purpose != .staff { #expect(refusal == .closed) }
        if status == .responded, ![.staff, .other, .concernResolution, .representativeReply].contains(purpose) {
            #expect(refusal == .responded(purpose))
        }
        if status == .triage, purpose != .staff, purpose != .other { #expect(refusal == .notTriaged) }
    }

    @Test("an acknowledged case takes no second acknowledgement, and says when it had one")
    func acknowledgementLetterOnce() throws {
        var life = CaseLifecycle(try lifecycleCase())
        try life.acknowledge(.automatically(stage: 1), at: at)
        #expect(life.refusal(of: .acknowledgement) == .alreadyAcknowledged(on: CivilDate(at)))
        var outside = CaseLifecycle(try lifecycleCase())
        try outside.acknowledge(.outsidePals, at: at)
        #expect(outside.refusal(of: .acknowledgement) == .acknowledgedOutsidePals)
        #expect(outside.refusal(of: .progress) == nil)
    }

    @Test("each letter move records its typed event, on any status", arguments: CaseStatus.allCases)
    func letterMoves(status: CaseStatus) throws {
        var life = CaseLifecycle(try lifecycleCase(status))
        life.record(.queuedByEmail(messageID: "m1"), kind: "holding", at: at)
        life.record(.printed(file: "PALS-2026-0001-holding-k.pdf"), kind: "holding", at: at)
        life.record(.deferred(messageID: "m1", reason: "451 busy"), kind: "holding", at: at)
        life.record(.held(messageID: "m1", reason: "unknown outcome"), kind: "holding", at: at)
        life.record(.failed(messageID: "m1", reason: "550 no such user"), kind: "holding", at: at)
        life.record(.sent(messageID: "m1", reply: "250 ok"), kind: "holding", at: at)
        #expect(
            life.events.map(\.kind) == [
                .letterQueued, .letterPrinted, .letterDeferred, .letterHeld, .letterFailed, .letterSent,
            ])
        #expect(
            life.events.map(\.detail) == [
                "holding queued by email as m1", "holding placed in the print queue as PALS-2026-0001-holding-k.pdf",
                "holding m1 will be retried: 451 busy", "holding m1 on hold: unknown outcome",
                "holding m1 failed: 550 no such user", "holding m1 accepted: 250 ok",
            ])
        #expect(life.record.status == status, "a recording never changes the status")
    }

    @Test("a failed or held letter flags the case with its message; only that message's delivery clears it")
    func letterAttention() throws {
        var life = CaseLifecycle(try lifecycleCase())
        life.record(.held(messageID: "m1", reason: "unknown outcome"), kind: "holding", at: at)
        #expect(life.record.attention == CaseAttention(kind: .letterHeld, messageID: "m1", text: "holding m1 on hold"))
        life.record(.sent(messageID: "m2", reply: "250 ok"), kind: "update", at: at)
        #expect(life.record.attention?.messageID == "m1", "another message's delivery leaves the flag")
        life.record(.failed(messageID: "m1", reason: "550"), kind: "holding", at: at)
        #expect(life.record.attention?.kind == .letterFailed)
        life.record(.sent(messageID: "m1", reply: "250 ok"), kind: "holding", at: at)
        #expect(life.record.attention == nil)
    }

    @Test("a flag is set once per reason; unlessFlagged keeps another reason")
    func flags() throws {
        var life = CaseLifecycle(try lifecycleCase())
        life.flag(.intakeFailed("no template"), at: at)
        life.flag(.intakeFailed("no template"), at: at)
        #expect(life.events.map(\.kind) == [.attention])
        #expect(life.record.attention?.holdsIntake == true)
        life.flag(.deadlinesNotComputed("deadlines cannot be computed: x"), at: at, unlessFlagged: true)
        #expect(life.record.attention?.kind == .intakeFailed)
        life.clearAttention(at: at)
        life.clearAttention(at: at)
        #expect(life.record.attention == nil)
        #expect(life.events.map(\.kind) == [.attention, .attentionCleared])
    }
}

@Suite("Typed event kinds and attention reasons")
struct CaseEventKindTests {
    /// The texts an older pals wrote in the register's `kind` column.
    static let oldTexts = [
        "logged", "updated", "closed", "letter-queued", "acknowledged", "extended", "responded", "letter-printed",
        "letter-sent", "letter-deferred", "letter-failed", "letter-held", "attention",
    ]

    @Test("every text an older pals wrote reads as a known kind, and is written back the same", arguments: oldTexts)
    func oldKinds(text: String) {
        let kind = CaseEventKind(rawValue: text)
        #expect(CaseEventKind.known.contains(kind))
        #expect(kind.rawValue == text)
    }

    @Test("every known kind round-trips through its text and JSON")
    func knownKinds() throws {
        for kind in CaseEventKind.known {
            #expect(CaseEventKind(rawValue: kind.rawValue) == kind)
            let json = try JSONEncoder().encode(CaseEvent(at: rules.now, kind: kind, detail: "d"))
            #expect(try JSONDecoder().decode(CaseEvent.self, from: json).kind == kind)
        }
        #expect(Set(CaseEventKind.known.map(\.rawValue)).count == CaseEventKind.known.count)
    }

    @Test("a text this pals does not know is kept as it is, not lost")
    func unknownKind() {
        #expect(CaseEventKind(rawValue: "note") == .unrecognised("note"))
        #expect(CaseEventKind.unrecognised("note").rawValue == "note")
    }

    @Test(
        "an older register's plain attention text reads as a typed reason, keeping its words",
        arguments: [
            ("automatic acknowledgement not sent: an automatic mailbox", CaseAttention.Kind.intakeRefused),
            ("automatic acknowledgement not made: no template", .intakeFailed),
            ("deadlines cannot be computed: a date before receipt", .deadlinesNotComputed),
            ("holding 2026-abc failed", .other),
        ])
    func legacyAttention(text: String, kind: CaseAttention.Kind) {
        let attention = CaseAttention(storedText: text)
        #expect(attention.kind == kind)
        #expect(attention.text == text)
        #expect(attention.messageID == nil)
    }

    @Test("an older register's letter flag is still cleared by its message's delivery")
    func legacyLetterFlag() {
        let attention = CaseAttention(storedText: "holding 2026-abc failed")
        #expect(attention.concerns(messageID: "2026-abc"))
        #expect(!attention.concerns(messageID: "2026-xyz"))
    }

    @Test(
        "every kind of reason round-trips through its stored text",
        arguments: [
            CaseAttention.letterFailed(kind: "holding", messageID: "m1"), .letterHeld(kind: "update", messageID: "m2"),
            .intakeRefused("an automatic mailbox"), .intakeFailed("{not json"), .deadlinesNotComputed("why"),
            CaseAttention(kind: .other, text: "{\"kind\": \"other\"} looks like JSON"),
        ])
    func storedAttention(attention: CaseAttention) {
        #expect(CaseAttention(storedText: attention.storedText) == attention)
    }
}
