package import Foundation

/// Who is signed in, as the pages show it.
package struct PageViewer: Sendable, Equatable {
    /// The sign-in name.
    package var name: String
    /// Whether the person is a manager (sees every case) rather than an officer.
    package var isManager: Bool
    /// The session's CSRF token, put in every form (invariant 15).
    package var csrfToken: String

    package init(name: String, isManager: Bool, csrfToken: String) {
        self.name = name
        self.isManager = isManager
        self.csrfToken = csrfToken
    }
}

/// The sections of the app, for the navigation's "you are here".
package enum AppSection: String, Sendable, CaseIterable {
    case board, newCase, outbox, triage, status

    var title: String {
        switch self {
        case .board: "Deadlines"
        case .newCase: "New case"
        case .outbox: "Outbox"
        case .triage: "Mailbox triage"
        case .status: "Status"
        }
    }

    var path: String {
        switch self {
        case .board: AppPaths.board
        case .newCase: AppPaths.newCase
        case .outbox: AppPaths.outbox
        case .triage: AppPaths.triage
        case .status: AppPaths.status
        }
    }
}

/// The web app's addresses (no patient data: case references only).
package enum AppPaths {
    package static let root = "/app"
    package static let signIn = "/app/sign-in"
    package static let signOut = "/app/sign-out"
    /// The second step of signing in: the code from an authenticator app.
    package static let signInCode = "/app/sign-in/code"
    package static let board = "/app/board"
    package static let newCase = "/app/cases/new"
    package static let outbox = "/app/outbox"
    package static let triage = "/app/triage"
    package static let status = "/app/status"
    package static let stylesheet = "/app/static/app.css"

    /// A case's page.
    package static func casePage(_ reference: String) -> String { "/app/cases/\(component(reference))" }
    /// The first step of writing a letter for a case.
    package static func compose(_ reference: String) -> String { casePage(reference) + "/letters/new" }
    /// The preview step of a letter for a case.
    package static func preview(_ reference: String) -> String { casePage(reference) + "/letters/preview" }
    /// A draft letter (its preview and the confirm step).
    package static func draft(_ id: String) -> String { "/app/drafts/\(component(id))" }
    /// An archived message of a case.
    package static func archived(_ reference: String, _ id: String) -> String {
        casePage(reference) + "/archive/\(component(id))"
    }
    /// A file that came with a message received for a case, by its opaque id.
    package static func receivedFile(_ reference: String, _ id: String) -> String {
        casePage(reference) + "/received/\(component(id))"
    }
    /// An action on an outbox message.
    package static func outboxAction(_ id: String, _ action: String) -> String {
        "/app/outbox/\(component(id))/\(action)"
    }

    /// A path component percent-encoded (a reference is letters, digits and '-', but never trust it).
    static func component(_ text: String) -> String {
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        allowed.insert(charactersIn: "-_")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

/// The frame of every page: skip link, header with navigation and sign-out, the main content.
package enum AppLayout {
    /// A whole page.
    /// - Parameters:
    ///   - title: the page's heading, also the start of the document title (prefixed "Error: " when `hasErrors`).
    ///   - viewer: who is signed in (nil on the sign-in page and error pages before sign-in).
    ///   - section: the navigation item to mark as current.
    package static func page(
        title: String, viewer: PageViewer?, section: AppSection? = nil, hasErrors: Bool = false, main: HTML
    ) -> HTML {
        let documentTitle = (hasErrors ? "Error: " : "") + title + " – PALS casework"
        return """
            <!DOCTYPE html>
            <html lang="en-GB">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(documentTitle)</title>
            <link rel="stylesheet" href="\(AppPaths.stylesheet)">
            </head>
            <body>
            <a href="#main-content" class="skip-link">Skip to main content</a>
            <header class="app-header">
            <div class="app-width">
            <a class="app-header__name" href="\(AppPaths.board)">PALS casework</a>
            \(viewer.map { navigation($0, section: section) } ?? .empty)
            </div>
            </header>
            <div class="app-width">
            <main id="main-content" class="app-main">
            \(main)
            </main>
            </div>
            </body>
            </html>

            """
    }

    static func navigation(_ viewer: PageViewer, section: AppSection?) -> HTML {
        let items = AppSection.allCases.map { item -> HTML in
            let current: HTML = item == section ? " aria-current=\"page\"" : ""
            return "<li><a href=\"\(item.path)\"\(current)>\(item.title)</a></li>"
        }
        return """
            <nav aria-label="Main">
            <ul class="app-nav">\(items)</ul>
            </nav>
            <form method="post" action="\(AppPaths.signOut)" class="app-header__account">
            \(csrfField(viewer.csrfToken))
            <span>Signed in as \(viewer.name)\(viewer.isManager ? " (manager)" : "")</span>
            <button type="submit" class="button button--secondary">Sign out</button>
            </form>
            """
    }

    /// The hidden CSRF field every form carries.
    package static func csrfField(_ token: String) -> HTML {
        "<input type=\"hidden\" name=\"csrfToken\" value=\"\(token)\">"
    }

    /// The error summary at the top of a form: each problem links to its field.
    package static func errorSummary(_ problems: [FieldMessage]) -> HTML {
        guard !problems.isEmpty else { return .empty }
        let items = problems.map { problem -> HTML in
            "<li><a href=\"#\(problem.fieldID)\">\(problem.message)</a></li>"
        }
        return """
            <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
            <h2 class="error-summary__title" id="error-summary-title">There is a problem</h2>
            <ul class="error-summary__list">\(items)</ul>
            </div>
            """
    }

    /// A panel telling the person an action was done.
    package static func notice(_ text: String?) -> HTML {
        guard let text else { return .empty }
        return "<div class=\"notice\" role=\"status\"><p>\(text)</p></div>"
    }
}

/// A message about one field of a form, shown beside it and in the error summary.
package struct FieldMessage: Sendable, Equatable {
    /// The id of the input the message is about (the summary links to it).
    package var fieldID: String
    /// What is wrong and how to put it right.
    package var message: String

    package init(fieldID: String, message: String) {
        self.fieldID = fieldID
        self.message = message
    }
}
