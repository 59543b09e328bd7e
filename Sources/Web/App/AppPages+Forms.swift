package import Casework
package import Engine
package import Foundation
package import Outbox

extension AppPages {
    // MARK: A new case

    /// The new-case form, with the problems found beside each field and in a summary at the top.
    package static func newCase(
        _ form: NewCaseForm, problems: [FieldMessage], officers: [(id: String, name: String)], complexities: [String],
        viewer: PageViewer
    ) -> HTML {
        func error(_ name: String) -> String? {
            let id = NewCaseForm.fieldID(name)
            let messages = problems.filter { $0.fieldID == id }.map(\.message)
            return messages.isEmpty ? nil : messages.joined(separator: ". ")
        }
        func text(_ name: String, _ label: String, hint: String? = nil, width: String? = nil, type: String = "text")
            -> HTML
        {
            FormFields.text(
                id: NewCaseForm.fieldID(name), name: name, label: label, hint: hint, value: form.values[name],
                error: error(name), type: type, width: width)
        }
        func radios(_ name: String, _ legend: String, _ options: [(String, String)], default fallback: String?) -> HTML
        {
            FormFields.radios(
                id: NewCaseForm.fieldID(name), name: name, legend: legend, options: options,
                selected: form.values[name] ?? fallback, error: error(name))
        }
        let officerOptions = [("", "Choose an officer")] + officers.map { ($0.id, $0.name) }
        let complexityOptions = [("", "Not set")] + complexities.map { ($0, $0) }
        let consentOptions: [(String, String)] = [
            ("requested", "Requested"), ("received", "Received"), ("refused", "Refused"),
            ("deceased-representative", "The patient has died (representative)"),
            ("lacks-capacity", "The patient lacks capacity (best interests)"),
            ("not-needed", "Not needed (the complainant is the patient)"),
        ]
        let main: HTML = """
            \(AppLayout.errorSummary(problems))
            <h1 class="heading-l">Log a new case</h1>
            <form method="post" action="\(AppPaths.newCase)" novalidate>
            \(AppLayout.csrfField(viewer.csrfToken))
            \(radios("kind", "What is it?", [("complaint", "A complaint"), ("concern", "A PALS concern")], default: "complaint"))
            \(text("received", "Date received", hint: "For example, 2026-11-23. Leave it empty for today.", width: "20"))
            \(radios("channel", "How did it come in?", [("email", "Email"), ("letter", "Letter"), ("phone", "Phone"), ("in-person", "In person"), ("web", "Web form")], default: nil))
            <h2 class="heading-m">The complainant</h2>
            \(text("complainant.title", "Title (optional)", width: "20"))
            \(text("complainant.firstName", "First name"))
            \(text("complainant.lastName", "Last name"))
            \(FormFields.textarea(id: "complainant-address", name: "complainant.address", label: "Address (optional for email)", hint: "One line of the address on each line", value: form.values["complainant.address"], error: error("complainant.address"), rows: 4))
            \(text("complainant.postcode", "Postcode (optional)", width: "20"))
            \(text("complainant.email", "Email address (optional for post)", type: "email"))
            \(text("complainant.phone", "Phone number (optional)", width: "20", type: "tel"))
            \(radios("complainant.preferredContact", "How should we reply?", [("email", "By email"), ("post", "By post")], default: nil))
            \(radios("complainant.language", "Which language?", [("en", "English"), ("cy", "Welsh (Cymraeg)")], default: "en"))
            <h2 class="heading-m">The patient, if not the complainant</h2>
            \(text("patient.title", "Patient's title (optional)", width: "20"))
            \(text("patient.firstName", "Patient's first name"))
            \(text("patient.lastName", "Patient's last name"))
            \(FormFields.select(id: "consent", name: "consent", label: "Patient's consent", hint: "Only when a patient is named", options: consentOptions, selected: form.values["consent"] ?? "requested", error: error("consent")))
            <h2 class="heading-m">The complaint</h2>
            \(FormFields.textarea(id: "summary", name: "summary", label: "Summary", hint: "What happened and what the person hopes for, in a few sentences", value: form.values["summary"], error: error("summary"), rows: 6))
            \(text("service", "Service concerned"))
            \(FormFields.select(id: "officer", name: "officer", label: "Officer", options: officerOptions, selected: form.values["officer"], error: error("officer")))
            \(FormFields.select(id: "complexity", name: "complexity", label: "Complexity (optional)", options: complexityOptions, selected: form.values["complexity"], error: error("complexity")))
            <button type="submit" class="button">Log the case</button>
            </form>
            """
        return AppLayout.page(
            title: "Log a new case", viewer: viewer, section: .newCase, hasErrors: !problems.isEmpty, main: main)
    }

    // MARK: The outbox

    /// The outbox's messages that wait or stopped: held and failed first, with release, retry and cancel.
    package static func outbox(_ items: [OutboxItem], notice: String?, viewer: PageViewer) -> HTML {
        let order: [OutboxState] = [.hold, .failed, .deferred, .queued, .active]
        let sorted = items.sorted {
            (order.firstIndex(of: $0.state) ?? 9, $0.id) < (order.firstIndex(of: $1.state) ?? 9, $1.id)
        }
        let rows = sorted.map { item -> HTML in
            let reference = item.labels["case"]
            let caseCell: HTML = reference.map { "<a href=\"\(AppPaths.casePage($0))\">\($0)</a>" } ?? "Staff message"
            var actions: [HTML] = []
            func button(_ action: String, _ words: String, warning: Bool = false) -> HTML {
                """
                <form method="post" action="\(AppPaths.outboxAction(item.id, action))">\(AppLayout.csrfField(viewer.csrfToken))\
                <button type="submit" class="button\(warning ? " button--warning" : " button--secondary" as HTML)">\(words)\
                <span class="visually-hidden"> message \(item.id)</span></button></form>
                """
            }
            switch item.state {
            case .hold: actions = [button("release", "Release"), button("cancel", "Cancel", warning: true)]
            case .failed: actions = [button("retry", "Retry"), button("cancel", "Cancel", warning: true)]
            case .deferred: actions = [button("retry", "Retry now"), button("cancel", "Cancel", warning: true)]
            case .queued: actions = [button("cancel", "Cancel", warning: true)]
            default: break
            }
            return """
                <tr class="table__row">
                <td class="table__cell">\(caseCell)</td>
                <td class="table__cell">\(item.labels["kind"] ?? "message")</td>
                <td class="table__cell">\(outboxStateWords(item.state))</td>
                <td class="table__cell">\(item.reason ?? "")\(item.lastReply.map { " (server: \(Postroom.short($0)))" } ?? "")</td>
                <td class="table__cell">\(actions)</td>
                </tr>
                """
        }
        let table: HTML =
            rows.isEmpty
            ? "<p class=\"body\">Nothing is waiting: every message has been sent.</p>"
            : """
            <table class="table">
            <caption class="table__caption">Messages waiting or stopped, held and failed first</caption>
            <thead><tr><th scope="col" class="table__header">Case</th><th scope="col" class="table__header">Letter</th>\
            <th scope="col" class="table__header">State</th><th scope="col" class="table__header">Why</th>\
            <th scope="col" class="table__header">Actions</th></tr></thead>
            <tbody>\(rows)</tbody>
            </table>
            """
        let main: HTML = """
            \(AppLayout.notice(notice))
            <h1 class="heading-l">Outbox</h1>
            <p class="body">A message held because its delivery was uncertain may already have arrived: check with \
            the complainant before releasing it.</p>
            \(table)
            """
        return AppLayout.page(title: "Outbox", viewer: viewer, section: .outbox, main: main)
    }

    // MARK: Triage

    /// The cases from the team mailbox waiting for an officer to take them on.
    package static func triage(
        _ cases: [Case], officers: [(id: String, name: String)], problems: [String: [FieldMessage]], notice: String?,
        viewer: PageViewer
    ) -> HTML {
        let officerOptions = [("", "Choose an officer")] + officers.map { ($0.id, $0.name) }
        let items = cases.map { record -> HTML in
            let id = record.reference
            let messages = problems[id] ?? []
            func message(_ field: String) -> String? { messages.first { $0.fieldID == "\(id)-\(field)" }?.message }
            return """
                <h2 class="heading-m">\(record.reference)</h2>
                <p class="body">Received \(long(record.receivedAt)). \(record.summary)</p>
                <form method="post" action="\(AppPaths.casePage(id))/triage" novalidate>
                \(AppLayout.csrfField(viewer.csrfToken))
                \(AppLayout.errorSummary(messages))
                \(FormFields.select(id: "\(id)-officer", name: "officer", label: "Officer", options: officerOptions, selected: nil, error: message("officer")))
                \(FormFields.radios(id: "\(id)-kind", name: "kind", legend: "What is it?", options: [("complaint", "A complaint"), ("concern", "A PALS concern")], selected: "complaint", error: nil))
                \(FormFields.text(id: "\(id)-name", name: "name", label: "Complainant's name (if the email did not say)", value: nil, error: message("name")))
                <button type="submit" class="button">Take on \(record.reference)</button>
                </form>
                """
        }
        let main: HTML = """
            \(AppLayout.notice(notice))
            <h1 class="heading-l">Mailbox triage</h1>
            \(items.isEmpty ? "<p class=\"body\">No mailbox cases are waiting.</p>" as HTML : HTML.join(items))
            """
        return AppLayout.page(title: "Mailbox triage", viewer: viewer, section: .triage, main: main)
    }

    // MARK: Status

    /// The daemon, the outbox counts and the last messages: is pals working?
    package static func status(_ status: WorkspaceStatus, openCases: Int, viewer: PageViewer) -> HTML {
        let counts = OutboxState.allCases.map { state -> HTML in
            "<div class=\"summary-list__row\"><dt class=\"summary-list__key\">\(outboxStateWords(state))</dt><dd class=\"summary-list__value\">\(status.outbox[state.rawValue] ?? 0)</dd></div>"
        }
        let daemon =
            status.daemon.running ? "Running" + (status.daemon.pid.map { " (process \($0))" } ?? "") : "Not running"
        let main: HTML = """
            <h1 class="heading-l">Status</h1>
            <dl class="summary-list">
            <div class="summary-list__row"><dt class="summary-list__key">The pals daemon</dt><dd class="summary-list__value">\(daemon)</dd></div>
            <div class="summary-list__row"><dt class="summary-list__key">Open cases you can see</dt><dd class="summary-list__value">\(openCases)</dd></div>
            </dl>
            <h2 class="heading-m">Outbox</h2>
            <dl class="summary-list">\(counts)</dl>
            """
        return AppLayout.page(title: "Status", viewer: viewer, section: .status, main: main)
    }
}
