package import Casework
package import Foundation
package import Logging
import Mail
import Outbox
package import Primitives
import WorkingDays

/// Statement requests: an officer asks another department (or a member of staff) for a statement about a case;
/// pals mails the request, chases it before and after its due date, and records the reply on the case.
///
/// The request mail is staff mail that may land in a shared departmental mailbox and be forwarded, so it carries
/// the case reference (the only thing in its subject), the department asked, the due date and the officer to
/// contact, and nothing about the complainant or the patient: no name, no summary, no clinical detail. The
/// officer shares what the department needs through the trust's secure records (the minimum necessary, as the
/// Caldicott principles ask); the reference lets the department find the case there and quote it back.
package struct StatementDesk: Sendable {
    package let postroom: Postroom

    package init(postroom: Postroom) {
        self.postroom = postroom
    }

    private var casebook: Casebook { postroom.casebook }
    private var configuration: WorkspaceConfiguration { casebook.workspace.configuration }

    /// The store of statement requests: the case register (both shipped stores keep them).
    package var store: any StatementStore {
        get throws {
            guard let store = casebook.register as? any StatementStore else {
                throw StatementError(
                    .invalid, reference: "", message: "this case store does not keep statement requests")
            }
            return store
        }
    }

    /// Records a statement request on an open case and queues its mail to `address` (once, whatever retries).
    /// The due date is `due`, else ``StatementSettings/dueWorkingDays`` working days from today.
    /// - Throws: ``StatementError`` for a bad address, department or due date; ``CaseTransitionError`` when the
    ///   case is not open; ``RegisterError`` when there is no such case.
    @discardableResult
    package func request(
        _ reference: String, to address: String, department: String, due: CivilDate? = nil
    ) throws -> StatementRequest {
        let record = try casebook.register.get(reference)
        let department = department.trimmingCharacters(in: .whitespacesAndNewlines)
        let address = address.trimmingCharacters(in: .whitespaces)
        guard !department.isEmpty else {
            throw StatementError(.invalid, reference: reference, message: "the department asked is empty")
        }
        guard department.count <= 120,
            !department.contains(where: { $0.isNewline || $0.asciiValue.map { $0 < 32 } == true })
        else {
            throw StatementError(
                .invalid, reference: reference,
                message: "the department must be a short name on one line (at most 120 characters)")
        }
        guard EmailAddress.isValid(address) else {
            throw StatementError(
                .invalid, reference: reference, message: "the address to ask is not a valid email address")
        }
        let today = casebook.clock.today()
        let calendar = postroom.letters.deadlines.calculator(record.profile).calendar
        let dueDay = due ?? calendar.adding(workingDays: configuration.statements.dueWorkingDays, to: today)
        if let outside = CaseDates.outsideWindow(dueDay) {
            throw StatementError(.invalid, reference: reference, message: "the due date \(outside)")
        }
        guard dueDay > today else {
            throw StatementError(
                .invalid, reference: reference,
                message: "the due date \(dueDay.iso) is not after today (\(today.iso)): give a later date")
        }
        let request = try store.addStatementRequest(
            StatementDraft(department: department, address: address, due: dueDay), to: reference,
            now: casebook.clock.now())
        try queue(request, caseId: record.caseId, officerID: record.officer, step: .request)
        return request
    }

    /// Records that a requested statement was received (`pals statement received REF S1`): it is no longer chased.
    @discardableResult
    package func received(_ reference: String, id: String) throws -> StatementRequest {
        guard let number = StatementRequest.number(fromID: id) else {
            throw StatementError(
                .invalid, reference: reference, message: "'\(id)' is not a statement id such as S1 (see the case)")
        }
        return try store.markStatementReceived(reference, number: number, now: casebook.clock.now())
    }

    /// The statement requests of a case.
    package func requests(for reference: String) throws -> [StatementRequest] {
        _ = try casebook.register.get(reference)
        return try store.statementRequests(for: reference)
    }

    /// One mail of a statement request's life.
    package enum Step: Sendable, Equatable {
        /// The request itself.
        case request
        /// The reminder before the due date.
        case reminder
        /// The `n`th chaser after the due date.
        case overdue(Int)

        /// The part of the idempotency key that names the step.
        var key: String {
            switch self {
            case .request: "request"
            case .reminder: "reminder"
            case .overdue(let n): "overdue-\(n)"
            }
        }
    }

    /// The chaser due on `today` for a request, if any: a reminder from ``StatementSettings/chaseBeforeWorkingDays``
    /// working days before the due date (when the request was made before then), and an overdue chaser every
    /// ``StatementSettings/chaseAfterWorkingDays`` working days after it, numbered, so each is sent once.
    package func chaserDue(for request: StatementRequest, profile: ProfileID, today: CivilDate) -> Step? {
        let settings = configuration.statements
        let calendar = postroom.letters.deadlines.calculator(profile).calendar
        if today > request.due {
            let late = calendar.workingDays(from: request.due, to: today)
            let n = late / settings.chaseAfterWorkingDays
            return n >= 1 ? .overdue(n) : nil
        }
        guard settings.chaseBeforeWorkingDays > 0 else { return nil }
        let reminderDay = calendar.adding(workingDays: -settings.chaseBeforeWorkingDays, to: request.due)
        return today >= reminderDay && CivilDate(request.requestedAt) < reminderDay ? .reminder : nil
    }

    /// Queues the chasers due today for every outstanding request of an open case; each is queued at most once
    /// (its key names the request and the step). One request that cannot be chased never stops the others.
    /// Returns how many were queued and how many could not be.
    package func chase(today: CivilDate, logger: Logger) -> (queued: Int, failures: Int) {
        let outstanding: [StatementRequest]
        do {
            outstanding = try store.outstandingStatementRequests()
        } catch {
            logger.error("cannot read the statement requests", metadata: ["error": "\(error)"])
            return (0, 1)
        }
        var queued = 0
        var failures = 0
        for request in outstanding {
            do {
                let record = try casebook.register.get(request.reference)
                guard record.isOpen, let step = chaserDue(for: request, profile: record.profile, today: today) else {
                    continue
                }
                if try queue(request, caseId: record.caseId, officerID: record.officer, step: step) {
                    queued += 1
                    let at = casebook.clock.now()
                    try casebook.register.apply(request.reference, now: at) { lifecycle in
                        lifecycle.recordStatement(
                            "statement \(request.id) chased (\(step.key)) at \(request.department)", at: at)
                    }
                }
            } catch {
                failures += 1
                logger.error(
                    "statement chaser not queued; tried again at the next pass",
                    metadata: ["case": "\(request.reference)", "statement": "\(request.id)", "error": "\(error)"])
            }
        }
        return (queued, failures)
    }

    /// Queues one mail of a request under its key; returns whether it was new.
    @discardableResult
    func queue(_ request: StatementRequest, caseId: String, officerID: String, step: Step) throws -> Bool {
        let key = "statement/\(request.reference)/\(caseId)/\(request.id)/\(step.key)"
        guard try postroom.outbox.item(forKey: key) == nil else { return false }
        let officer = configuration.officer(officerID)
        let (subject, body) = Self.compose(
            request, step: step, organisation: configuration.organisation.name, officer: officer)
        let message = MailMessage(
            from: try configuration.teamMailbox(),
            to: [try Mailbox(displayName: request.department, address: request.address, field: "statement address")],
            replyTo: try officer.map { try Mailbox(displayName: $0.name, address: $0.email, field: "officer email") },
            subject: subject, text: body, autoSubmitted: step == .request ? nil : .autoGenerated)
        let composed = try message.composed(date: casebook.clock.now())
        var labels = MessageLabels(reference: request.reference, caseId: caseId, kind: "statement-\(step.key)")
        labels.subject = subject
        for outgoing in composed.outgoing() {
            _ = try postroom.outbox.queue(message: outgoing, key: key, labels: labels.dictionary)
        }
        return true
    }

    /// The subject (the reference only) and the text of one mail of a request.
    static func compose(
        _ request: StatementRequest, step: Step, organisation: String, officer: WorkspaceConfiguration.Officer?
    ) -> (subject: String, body: String) {
        let reference = request.reference
        let due = request.due.iso
        let subject: String
        let opening: String
        switch step {
        case .request:
            subject = "Statement request: \(reference)"
            opening = """
                The patient advice and complaints team is looking into case \(reference), which concerns \
                \(request.department). Please send us a statement about it by \(due).
                """
        case .reminder:
            subject = "Reminder, statement due \(due): \(reference)"
            opening = """
                This is a reminder that the statement we asked \(request.department) for about case \(reference) \
                is due by \(due). If you have sent it already, thank you, and please ignore this message.
                """
        case .overdue:
            subject = "Statement overdue: \(reference)"
            opening = """
                The statement we asked \(request.department) for about case \(reference) was due by \(due) and we \
                have not received it yet. The person who raised the case is waiting for our response, so please \
                send it as soon as you can, or tell us when you will.
                """
        }
        let contact: String
        if let officer {
            let phone = officer.phone.map { ", telephone \($0)" } ?? ""
            contact = """
                The officer handling the case is \(officer.name) (\(officer.email)\(phone)). For privacy this \
                message carries the case reference only: \(officer.name) will share what you need through the \
                secure case record. Replying to this message reaches them.
                """
        } else {
            contact = """
                For privacy this message carries the case reference only: the complaints team will share what \
                you need through the secure case record. Please quote the reference when you reply.
                """
        }
        let body = """
            Dear colleague,

            \(opening)

            \(contact)

            Statement \(request.id) of case \(reference).

            With thanks,
            \(organisation.isEmpty ? "The complaints team" : "The complaints team, \(organisation)")
            """
        return (subject, body + "\n")
    }
}

extension CaseReports {
    /// The statement requests of a case as a table (`pals statement list`, and under `pals case show`).
    package static func statements(_ requests: [StatementRequest]) -> String {
        guard !requests.isEmpty else { return "no statement requests" }
        let rows = requests.map {
            [
                $0.id, $0.department, $0.address, CivilDate($0.requestedAt).iso, $0.due.iso,
                $0.receivedAt.map { "received \(CivilDate($0).iso)" } ?? "awaited",
            ].map(\.escapingControls)
        }
        return TextTable.render(header: ["ID", "DEPARTMENT", "ADDRESS", "REQUESTED", "DUE", "STATE"], rows: rows)
    }
}
