package import Casework
package import Engine
package import Foundation
package import Letters
package import Outbox
package import Primitives

/// What the case page shows, gathered by the route (each part may be missing without hiding the others).
package struct CasePageModel: Sendable {
    package var record: Case
    package var history: [CaseEvent]
    /// The computed deadlines, or why they cannot be computed.
    package var deadlines: Result<CaseDeadlines, any Error>
    /// Messages of the case in the sent archive.
    package var sent: [OutboxItem]
    /// Messages of the case not sent yet, or stopped (held, failed).
    package var waiting: [OutboxItem]
    /// The officer's name.
    package var officerName: String
    /// A line to show after an action ("Letter queued").
    package var notice: String?
    /// Email received for the case from the team mailbox, oldest first.
    package var received: [ReceivedCorrespondence]

    package init(
        record: Case, history: [CaseEvent], deadlines: Result<CaseDeadlines, any Error>, sent: [OutboxItem],
        waiting: [OutboxItem], officerName: String, notice: String? = nil, received: [ReceivedCorrespondence] = []
    ) {
        self.record = record
        self.history = history
        self.deadlines = deadlines
        self.sent = sent
        self.waiting = waiting
        self.officerName = officerName
        self.notice = notice
        self.received = received
    }
}

extension AppPages {
    // MARK: The case page

    /// A case: its details, deadlines, timeline, letters sent (with the archived copy) and waiting.
    package static func casePage(_ model: CasePageModel, viewer: PageViewer) -> HTML {
        let record = model.record
        let person = record.complainant
        var details: [(String, String)] = [
            ("Status", statusWords(record.status)),
            ("Kind", record.kind == .concern ? "PALS concern" : "Complaint"),
            ("Received", long(record.receivedAt)),
            ("Officer", model.officerName),
            ("Complainant", person.fullName),
            ("Preferred contact", person.preferredContact == .email ? "Email" : "Post"),
            ("Service", record.service),
            ("Summary", record.summary),
            ("Consent", record.consent.rawValue.replacingOccurrences(of: "-", with: " ")),
        ]
        if let patient = record.patient {
            details.insert(
                (
                    "Patient",
                    [patient.title, patient.firstName, patient.lastName].compactMap { $0 }.joined(separator: " ")
                ), at: 5)
        }
        if let attention = record.attention {
            details.insert(("Needs attention", "\(attention)"), at: 1)
        }
        let summaryRows = details.map { row -> HTML in
            "<div class=\"summary-list__row\"><dt class=\"summary-list__key\">\(row.0)</dt><dd class=\"summary-list__value\">\(row.1)</dd></div>"
        }
        let deadlines: HTML
        switch model.deadlines {
        case .success(let due):
            var rows: [(String, String)] = [
                ("Acknowledge by", long(due.acknowledgeBy)), ("Respond by", long(due.respondBy)),
            ]
            if let backstop = due.backstop { rows.append(("Backstop", long(backstop))) }
            rows.append(("Rules used", "\(due.ruleSet), calendar \(due.calendarVersion)"))
            let items = rows.map { row -> HTML in
                "<div class=\"summary-list__row\"><dt class=\"summary-list__key\">\(row.0)</dt><dd class=\"summary-list__value\">\(row.1)</dd></div>"
            }
            deadlines = "<dl class=\"summary-list\">\(items)</dl>"
        case .failure(let error):
            let reason = (error as? any LocalizedError)?.errorDescription ?? "\(error)"
            deadlines = "<p class=\"body\">The deadlines cannot be worked out: \(reason)</p>"
        }
        let timeline = model.history.reversed().map { event -> HTML in
            "<li class=\"timeline__item\"><span class=\"timeline__date\">\(long(event.at))</span> \(event.kind.rawValue.replacingOccurrences(of: "-", with: " ")): \(event.detail)</li>"
        }
        let sentRows = model.sent.map { item -> HTML in
            let sentAt = item.history.last(where: { $0.state == .sent })?.at ?? item.created
            return """
                <tr class="table__row"><td class="table__cell">\(item.labels["kind"] ?? "message")</td>\
                <td class="table__cell">\(long(sentAt))</td>\
                <td class="table__cell"><a href="\(AppPaths.archived(record.reference, item.id))">Archived copy \
                <span class="visually-hidden">of the \(item.labels["kind"] ?? "message") sent \(long(sentAt))</span></a></td></tr>
                """
        }
        let waitingRows = model.waiting.map { item -> HTML in
            """
            <tr class="table__row"><td class="table__cell">\(item.labels["kind"] ?? "message")</td>\
            <td class="table__cell">\(outboxStateWords(item.state))</td>\
            <td class="table__cell">\(item.reason ?? "")</td></tr>
            """
        }
        let sentTable: HTML =
            sentRows.isEmpty
            ? "<p class=\"body\">Nothing has been sent for this case yet.</p>"
            : """
            <table class="table"><caption class="table__caption visually-hidden">Letters sent</caption>
            <thead><tr><th scope="col" class="table__header">Letter</th><th scope="col" class="table__header">Sent</th>\
            <th scope="col" class="table__header">Copy</th></tr></thead><tbody>\(sentRows)</tbody></table>
            """
        let waitingTable: HTML =
            waitingRows.isEmpty
            ? .empty
            : """
            <h2 class="heading-m">Waiting to be sent, or stopped</h2>
            <table class="table"><caption class="table__caption visually-hidden">Letters not sent yet</caption>
            <thead><tr><th scope="col" class="table__header">Letter</th><th scope="col" class="table__header">State</th>\
            <th scope="col" class="table__header">Why</th></tr></thead><tbody>\(waitingRows)</tbody></table>
            <p class="body"><a href="\(AppPaths.outbox)">Go to the outbox</a> to release, retry or cancel them.</p>
            """
        let main: HTML = """
            \(AppLayout.notice(model.notice))
            <span class="caption">Case</span>
            <h1 class="heading-l">\(record.reference)</h1>
            <p class="body"><a class="button" href="\(AppPaths.compose(record.reference))">Write a letter</a></p>
            <h2 class="heading-m">Details</h2>
            <dl class="summary-list">\(summaryRows)</dl>
            <h2 class="heading-m">Deadlines</h2>
            \(deadlines)
            <h2 class="heading-m">Letters sent</h2>
            \(sentTable)
            \(waitingTable)
            \(receivedSection(model.received, reference: record.reference))
            <h2 class="heading-m">Timeline</h2>
            <ol class="timeline">\(timeline)</ol>
            """
        return AppLayout.page(title: "Case \(record.reference)", viewer: viewer, section: nil, main: main)
    }

    static func statusWords(_ status: CaseStatus) -> String {
        switch status {
        case .open: "Open"
        case .awaitingConsent: "Waiting for consent"
        case .responded: "Responded"
        case .closed: "Closed"
        case .withdrawn: "Withdrawn"
        case .triage: "Waiting for triage"
        }
    }

    static func outboxStateWords(_ state: OutboxState) -> String {
        switch state {
        case .queued: "Queued"
        case .active: "Sending"
        case .deferred: "Waiting to retry"
        case .hold: "On hold"
        case .failed: "Failed"
        case .cancelled: "Cancelled"
        case .sent: "Sent"
        }
    }

    // MARK: Writing a letter

    /// The first step: choose the kind of letter and fill its inputs.
    package static func compose(
        reference: String, kinds: [LetterTemplateInfo], chosen: LetterKind?, inputs: [String: String],
        problems: [FieldMessage], viewer: PageViewer
    ) -> HTML {
        let kindOptions = kinds.map { ($0.kind.rawValue, kindTitle($0.kind)) }
        let chooser: HTML = """
            <form method="get" action="\(AppPaths.compose(reference))" novalidate>
            \(FormFields.radios(id: "kind", name: "kind", legend: "Which letter?", options: kindOptions, selected: chosen?.rawValue, error: problems.first { $0.fieldID == "kind" }?.message))
            <button type="submit" class="button button--secondary">Choose this letter</button>
            </form>
            """
        var inputsForm: HTML = .empty
        if let chosen, let info = kinds.first(where: { $0.kind == chosen }) {
            let fields = (info.requiredInputs.map { ($0, true) } + info.optionalInputs.map { ($0, false) }).map {
                name, required -> HTML in
                let id = "input-\(name)"
                let isDate = name.lowercased().hasSuffix("date")
                return FormFields.textarea(
                    id: id, name: "input.\(name)", label: inputLabel(name) + (required ? "" : " (optional)"),
                    hint: isDate ? "For example, 2027-01-15" : nil, value: inputs[name],
                    error: problems.first { $0.fieldID == id }?.message, rows: isDate ? 1 : 3)
            }
            inputsForm = """
                <form method="post" action="\(AppPaths.preview(reference))" novalidate>
                \(AppLayout.csrfField(viewer.csrfToken))
                <input type="hidden" name="kind" value="\(chosen.rawValue)">
                <h2 class="heading-m">\(kindTitle(chosen))</h2>
                \(fields.isEmpty ? "<p class=\"body\">This letter needs nothing more from you.</p>" as HTML : HTML.join(fields))
                <button type="submit" class="button">Preview the letter</button>
                </form>
                """
        }
        let main: HTML = """
            \(AppLayout.errorSummary(problems))
            <span class="caption">\(reference)</span>
            <h1 class="heading-l">Write a letter</h1>
            \(chooser)
            \(inputsForm)
            <p class="body"><a href="\(AppPaths.casePage(reference))">Back to the case</a></p>
            """
        return AppLayout.page(
            title: "Write a letter", viewer: viewer, hasErrors: !problems.isEmpty, main: main)
    }

    /// The preview and confirm step: the letter's HTML exactly as it will be sent, its PDF, then send.
    package static func preview(
        reference: String, kind: LetterKind, subject: String, recipient: String, draftID: String, viewer: PageViewer
    ) -> HTML {
        let main: HTML = """
            <span class="caption">\(reference)</span>
            <h1 class="heading-l">Check the letter before sending</h1>
            <dl class="summary-list">
            <div class="summary-list__row"><dt class="summary-list__key">Letter</dt><dd class="summary-list__value">\(kindTitle(kind))</dd></div>
            <div class="summary-list__row"><dt class="summary-list__key">To</dt><dd class="summary-list__value">\(recipient)</dd></div>
            <div class="summary-list__row"><dt class="summary-list__key">Subject</dt><dd class="summary-list__value">\(subject)</dd></div>
            </dl>
            <iframe class="letter-preview" title="The letter as it will be sent" sandbox src="\(AppPaths.draft(draftID))/letter.html"></iframe>
            <p class="body"><a href="\(AppPaths.draft(draftID))/letter.pdf">Open the PDF of this letter</a> (the copy attached to the email, or printed for post)</p>
            <form method="post" action="\(AppPaths.draft(draftID))/send" novalidate>
            \(AppLayout.csrfField(viewer.csrfToken))
            <button type="submit" class="button">Send this letter</button>
            </form>
            <p class="body"><a href="\(AppPaths.compose(reference))?kind=\(kind.rawValue)">Change the letter</a></p>
            """
        return AppLayout.page(title: "Check the letter", viewer: viewer, main: main)
    }

    /// "Acknowledgement", "Late response": the kind's name as words.
    static func kindTitle(_ kind: LetterKind) -> String {
        let words = kind.rawValue.replacingOccurrences(of: "-", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }

    /// "newDate" → "New date".
    static func inputLabel(_ name: String) -> String {
        var words = ""
        for character in name {
            if character.isUppercase { words += " " + character.lowercased() } else { words.append(character) }
        }
        return words.prefix(1).uppercased() + words.dropFirst()
    }
}
