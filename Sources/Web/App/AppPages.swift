package import Casework
package import Engine
package import Foundation
package import Outbox
package import Primitives

/// The pages of the officers' web app, as pure functions from model values to HTML (tested without a server).
package enum AppPages {
    // MARK: Signing in

    /// The sign-in page, with a message when the last try failed.
    package static func signIn(csrfToken: String, name: String?, problem: String?) -> HTML {
        let messages = problem.map { [FieldMessage(fieldID: "name", message: $0)] } ?? []
        let main: HTML = """
            \(AppLayout.errorSummary(messages))
            <h1 class="heading-l">Sign in</h1>
            <p class="body">Sign in with the name and password your complaints manager gave you.</p>
            <form method="post" action="\(AppPaths.signIn)" novalidate>
            \(AppLayout.csrfField(csrfToken))
            \(FormFields.text(id: "name", name: "name", label: "User name", value: name, error: problem, autocomplete: "username", width: "20"))
            \(FormFields.text(id: "password", name: "password", label: "Password", value: nil, error: nil, type: "password", autocomplete: "current-password", width: "20"))
            <button type="submit" class="button">Sign in</button>
            </form>
            """
        return AppLayout.page(title: "Sign in", viewer: nil, hasErrors: problem != nil, main: main)
    }

    // MARK: Refusals

    /// A page saying why a request was refused (403, 404, 413, 429), and what to do.
    package static func refusal(title: String, explanation: String, viewer: PageViewer?) -> HTML {
        let main: HTML = """
            <h1 class="heading-l">\(title)</h1>
            <p class="body">\(explanation)</p>
            <p class="body"><a href="\(AppPaths.board)">Go to the deadlines</a></p>
            """
        return AppLayout.page(title: title, viewer: viewer, main: main)
    }

    // MARK: The board

    /// The deadline board: open cases, what is due next, overdue first; red/amber/green always with a word.
    package static func board(
        _ board: DeadlineBoard, viewer: PageViewer, officers: [(id: String, name: String)], officer: String?,
        paging: HTML = .empty
    ) -> HTML {
        let rows = board.items.map { item -> HTML in
            """
            <tr class="table__row">
            <td class="table__cell"><a href="\(AppPaths.casePage(item.reference))">\(item.reference)</a></td>
            <td class="table__cell">\(tag(item.state))</td>
            <td class="table__cell">\(dueKind(item.deadline))</td>
            <td class="table__cell">\(long(item.due))</td>
            <td class="table__cell table__cell--numeric">\(item.workingDaysRemaining)</td>
            <td class="table__cell">\(officers.first { $0.id == item.officer }?.name ?? item.officer)</td>
            </tr>
            """
        }
        let options = [("", "Everyone I can see")] + officers.map { ($0.id, $0.name) }
        let problems = board.problems.map { problem -> HTML in
            "<li><a href=\"\(AppPaths.casePage(problem.reference))\">\(problem.reference)</a>: \(problem.reason)</li>"
        }
        let table: HTML =
            board.items.isEmpty
            ? "<p class=\"body\">No open cases have a deadline to show.</p>"
            : """
            <table class="table">
            <caption class="table__caption">Open cases, the most urgent first</caption>
            <thead><tr>
            <th scope="col" class="table__header">Case</th>
            <th scope="col" class="table__header">State</th>
            <th scope="col" class="table__header">Due next</th>
            <th scope="col" class="table__header">Due on</th>
            <th scope="col" class="table__header table__header--numeric">Working days left</th>
            <th scope="col" class="table__header">Officer</th>
            </tr></thead>
            <tbody>\(rows)</tbody>
            </table>
            """
        let main: HTML = """
            <h1 class="heading-l">Deadlines</h1>
            <form method="get" action="\(AppPaths.board)" class="filter">
            \(FormFields.select(id: "officer", name: "officer", label: "Show the cases of", options: options, selected: officer ?? "", error: nil))
            <button type="submit" class="button button--secondary">Show</button>
            </form>
            \(table)
            \(paging)
            \(problems.isEmpty ? HTML.empty : "<h2 class=\"heading-m\">Cases whose deadlines cannot be worked out</h2><ul class=\"list\">\(problems)</ul>")
            """
        return AppLayout.page(title: "Deadlines", viewer: viewer, section: .board, main: main)
    }

    /// A coloured tag with its word: colour is never the only sign.
    static func tag(_ colour: DeadlineStatus.Colour) -> HTML {
        switch colour {
        case .red: "<strong class=\"tag tag--red\">Overdue</strong>"
        case .amber: "<strong class=\"tag tag--amber\">Due soon</strong>"
        case .green: "<strong class=\"tag tag--green\">On track</strong>"
        }
    }

    static func dueKind(_ kind: DueItem.Kind) -> String {
        switch kind {
        case .acknowledgement: "Acknowledgement"
        case .response: "Response"
        case .concern: "Concern resolution"
        case .decision: "Stage 1 decision"
        }
    }

    /// "25 November 2026".
    static func long(_ day: CivilDate) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = .europeLondon
        formatter.dateFormat = "d MMMM yyyy"
        return formatter.string(from: day.date(hour: 12))
    }

    /// "25 November 2026 at 14:05".
    static func long(_ instant: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = .europeLondon
        formatter.dateFormat = "d MMMM yyyy 'at' HH:mm"
        return formatter.string(from: instant)
    }
}
