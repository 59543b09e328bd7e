package import Casework
package import Engine
package import Foundation
import HTTPTypes
package import Hummingbird
package import Letters
package import Logging
package import NIOCore
package import Outbox
package import Primitives
import Synchronization

/// A person signed in, for one request: their session, account and how pages and the audit name them.
package struct SignedIn: Sendable {
    package let session: WebSession
    package let account: UserAccount
    /// What the pages show of them, with the CSRF token of their forms.
    package var viewer: PageViewer {
        PageViewer(name: account.name, isManager: account.role == .manager, csrfToken: session.csrfToken)
    }
    /// How the audit trail names them.
    package var principal: Principal {
        .user(name: account.name, role: account.role)
    }
}

/// A letter previewed and waiting for its confirm step: what was merged, for whom, by whom. Kept in memory for
/// half an hour under a random id (the address holds no patient data).
struct Draft: Sendable {
    var user: String
    var reference: String
    var kind: LetterKind
    var inputs: [String: String]
    var html: String
    var pdf: Data
    var attachmentName: String
    var subject: String
    var recipient: String
    var created: Date
}

/// The officers' web app over a ``WebServer``: the handlers of its pages.
package struct WebApp: Sendable {
    package let server: WebServer
    package let accounts: AppAccounts
    /// Sign-ins a minute, for everyone together and for each name (a second guard beside the lockout).
    let signInLimiter: RateLimiter
    private let draftStore: DraftStore
    /// Sign-ins waiting for their code.
    let pendingSignIns = PendingSignIns()

    /// The app of `server`, with sign-in `policy` (tests give a short lockout).
    package init(server: WebServer, policy: SignInPolicy = SignInPolicy(), signInsPerMinute: Int = 30) {
        self.server = server
        accounts = AppAccounts(
            users: UserDirectory(register: server.records.register), policy: policy, clock: server.casebook.clock)
        signInLimiter = RateLimiter(perMinute: signInsPerMinute)
        draftStore = DraftStore()
    }

    var casebook: Casebook { server.casebook }
    var configuration: WorkspaceConfiguration { casebook.workspace.configuration }
    var logger: Logger { server.logger }

    // MARK: The gate

    /// Runs `body` for a signed-in person; a post must come from our own pages (no cross-site request) and carry
    /// the session's CSRF token (invariant 15), and its form is read (up to `http.maxBodyBytes`).
    func signedIn(
        _ request: Request, _ context: WebRequestContext, post: Bool = false,
        _ body: (SignedIn, [String: String]) async throws -> Response
    ) async throws -> Response {
        if post, let reason = AppSecurity.crossSiteRefusal(request) {
            logger.warning("web app: a cross-site post was refused", metadata: ["path": "\(request.uri.path)"])
            return crossSite(reason)
        }
        let cookie = request.cookies[AppSecurity.sessionCookie]?.value
        let current = try await blocking { try cookie.flatMap { try accounts.session(cookie: $0) } }
        // Behind a single sign-on proxy, its header decides who this is, whatever session the browser holds.
        switch try await singleSignOn(request, context) {
        case .none: break
        case .refused:
            if let current { try await blocking { try accounts.users.endSession(idHash: current.0.idHash) } }
            return singleSignOnRefused()
        case .account(let named) where named.name != current?.1.name:
            if let current { try await blocking { try accounts.users.endSession(idHash: current.0.idHash) } }
            let back = !post && request.uri.path.hasPrefix(AppPaths.root + "/") ? request.uri.path : AppPaths.board
            return try await signInBySingleSignOn(named, then: back)
        case .account: break
        }
        guard let found = current else { return AppSecurity.redirect(AppPaths.signIn) }
        let (session, account) = found
        let signed = SignedIn(session: session, account: account)
        var form: [String: String] = [:]
        if post {
            guard let fields = try await readForm(request) else { return tooLarge(signed.viewer) }
            form = fields
            guard AppSecurity.tokensMatch(form["csrfToken"] ?? "", session.csrfToken) else {
                logger.warning(
                    "web app: a post without the session's CSRF token was refused",
                    metadata: ["user": "\(account.name)"])
                return AppSecurity.page(
                    AppPages.refusal(
                        title: "This form could not be accepted",
                        explanation: "The form was out of date or did not come from this service, so nothing was "
                            + "changed. Go back, reload the page and try again.",
                        viewer: signed.viewer),
                    status: .forbidden)
            }
        }
        do {
            return try await body(signed, form)
        } catch let error as RegisterError where error.code == .notFound {
            return notFound(signed.viewer)
        } catch {
            logger.error("web app: a page failed", metadata: ["user": "\(account.name)", "error": "\(error)"])
            return AppSecurity.page(
                AppPages.refusal(
                    title: "Sorry, there is a problem with the service",
                    explanation: "Nothing more was done. Try again later, or tell the person who looks after pals "
                        + "(the server's log says what went wrong).",
                    viewer: signed.viewer),
                status: .internalServerError)
        }
    }

    /// The form of a post, or nil when the body is larger than `http.maxBodyBytes`.
    func readForm(_ request: Request) async throws -> [String: String]? {
        do {
            let body = try await request.body.collect(upTo: server.settings.maxBodyBytes)
            return AppSecurity.formFields(body)
        } catch is NIOTooManyBytesError {
            return nil
        }
    }

    func crossSite(_ reason: String) -> Response {
        AppSecurity.page(
            AppPages.refusal(
                title: "This form came from another website",
                explanation: "pals only accepts forms sent from its own pages, and this one was not (\(reason)), so "
                    + "nothing was changed. If you did not mean to do this, you need do nothing more.",
                viewer: nil),
            status: .forbidden)
    }

    func tooLarge(_ viewer: PageViewer?) -> Response {
        AppSecurity.page(
            AppPages.refusal(
                title: "The form was too large",
                explanation: "What was sent was larger than pals accepts, so nothing was changed. Shorten the "
                    + "longest answer and try again.",
                viewer: viewer),
            status: .contentTooLarge)
    }

    func notFound(_ viewer: PageViewer) -> Response {
        AppSecurity.page(
            AppPages.refusal(
                title: "Page not found",
                explanation: "There is no such case or message, or it is not one you can see. Check the reference.",
                viewer: viewer),
            status: .notFound)
    }

    // MARK: Signing in

    func signInPage(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        switch try await singleSignOn(request, context) {
        case .none: break
        case .refused: return singleSignOnRefused()
        case .account(let account): return try await signInBySingleSignOn(account, then: AppPaths.board)
        }
        if let cookie = request.cookies[AppSecurity.sessionCookie]?.value,
            try await blocking({ try accounts.session(cookie: cookie) }) != nil
        {
            return AppSecurity.redirect(AppPaths.board)
        }
        let token = AppSecurity.randomToken()
        return AppSecurity.page(
            AppPages.signIn(csrfToken: token, name: nil, problem: nil),
            cookies: [AppSecurity.cookie(AppSecurity.signInCookie, token, maxAge: 3600)])
    }

    func signIn(_ request: Request) async throws -> Response {
        if let reason = AppSecurity.crossSiteRefusal(request) { return crossSite(reason) }
        guard let form = try await readForm(request) else { return tooLarge(nil) }
        let name = String((form["name"] ?? "").prefix(64))
        // The sign-in form's token: the same random value in its cookie and its hidden field.
        let cookieToken = request.cookies[AppSecurity.signInCookie]?.value ?? ""
        func again(_ problem: String, status: HTTPResponse.Status) -> Response {
            let token = AppSecurity.randomToken()
            return AppSecurity.page(
                AppPages.signIn(csrfToken: token, name: name, problem: problem), status: status,
                cookies: [AppSecurity.cookie(AppSecurity.signInCookie, token, maxAge: 3600)])
        }
        guard AppSecurity.tokensMatch(form["csrfToken"] ?? "", cookieToken) else {
            return again("The sign-in form had expired. Sign in again.", status: .forbidden)
        }
        let now = casebook.clock.now()
        if signInLimiter.take("all", now: now) != nil
            || signInLimiter.take("name:" + name.lowercased(), now: now) != nil
        {
            return again(
                "Too many sign-ins were tried just now. Wait a minute and try again.", status: .tooManyRequests)
        }
        let password = form["password"] ?? ""
        let outcome = try await blocking { try accounts.signIn(name: name, password: password) }
        switch outcome {
        case .refused(let message):
            logger.notice("web app: a sign-in was refused")
            return again(message, status: .ok)
        case .needsCode(let account):
            return askForCode(account)
        case .signedIn(let cookie, _, let account):
            return signedInRedirect(cookie, account)
        }
    }

    func signOut(_ signed: SignedIn) async throws -> Response {
        try await blocking { try accounts.users.endSession(idHash: signed.session.idHash) }
        logger.info("web app: signed out", metadata: ["user": "\(signed.account.name)"])
        return AppSecurity.redirect(AppPaths.signIn, cookies: [AppSecurity.clearCookie(AppSecurity.sessionCookie)])
    }

    // MARK: Who sees what

    /// The officers whose cases `account` sees: nil for a manager (everyone), else their own and their team's.
    func visibleOfficers(_ account: UserAccount) -> Set<String>? {
        guard account.role == .officer else { return nil }
        guard let own = account.officer else { return [] }
        var officers: Set<String> = [own]
        if let team = configuration.officers.first(where: { $0.id == own })?.team {
            officers.formUnion(configuration.officers.filter { $0.team == team }.map(\.id))
        }
        return officers
    }

    /// Whether `account` may see `record`: a manager every case, an officer their own and their team's, and
    /// everyone the mailbox cases waiting for triage (someone must take them on).
    func canSee(_ record: Case, _ account: UserAccount) -> Bool {
        guard let officers = visibleOfficers(account) else { return true }
        return record.status == .triage || officers.contains(record.officer)
    }

    /// The officers to offer in lists: all for a manager, else those visible.
    func officerChoices(_ account: UserAccount) -> [(id: String, name: String)] {
        let visible = visibleOfficers(account)
        return configuration.officers.filter { visible?.contains($0.id) ?? true }.map { ($0.id, $0.name) }
    }

    /// A reference as typed in an address: letters, digits, `-` and `_` only (never `..` or a slash).
    static func isPlausibleReference(_ text: String) -> Bool {
        (1...64).contains(text.count)
            && text.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" }
            && text.allSatisfy(\.isASCII)
    }

    /// The case `reference` if `signed` may see it; a refused look is audited and answered as "not found".
    func visibleCase(_ reference: String, _ signed: SignedIn, action: AuditAction) async throws -> Case? {
        guard Self.isPlausibleReference(reference) else { return nil }
        guard let record = try await blocking({ try casebook.register.find(reference) }) else { return nil }
        guard canSee(record, signed.account) else {
            try await blocking {
                try server.audit.record(
                    reference: reference, principal: signed.principal, action: action,
                    detail: "refused: not a case of this officer or their team")
            }
            logger.notice(
                "web app: a case of another team was refused",
                metadata: ["case": "\(reference)", "user": "\(signed.account.name)"])
            return nil
        }
        return record
    }

    // MARK: The board

    func board(_ request: Request, _ signed: SignedIn) async throws -> Response {
        let choices = officerChoices(signed.account)
        let asked = request.uri.queryParameters["officer"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let chosen = asked.flatMap { id in choices.contains { $0.id == id } ? id : nil }
        let visible = visibleOfficers(signed.account)
        let askedPage = request.uri.queryParameters["page"].map(String.init)
        let (board, paging) = try await blocking {
            var board = try server.boardCache.board(officer: chosen)  // see BoardCache.swift
            if let visible {
                board.items = board.items.filter { visible.contains($0.officer) }
                board.problems = board.problems.filter { $0.officer.map(visible.contains) ?? false }
            }
            let paging = BoardPaging(asked: askedPage, total: board.items.count)  // see BoardPaging.swift
            board.items = paging.slice(board.items)
            try server.audit.record(
                references: board.items.map(\.reference), principal: signed.principal, action: .listed)
            return (board, paging)
        }
        return AppSecurity.page(
            AppPages.board(
                board, viewer: signed.viewer, officers: choices, officer: chosen,
                paging: paging.navigation(officer: chosen)))
    }

    // MARK: A new case

    func newCasePage(_ signed: SignedIn) async throws -> Response {
        var form = NewCaseForm()
        if signed.account.role == .officer { form.values["officer"] = signed.account.officer }
        return AppSecurity.page(newCaseHTML(form, problems: [], signed))
    }

    func newCaseHTML(_ form: NewCaseForm, problems: [FieldMessage], _ signed: SignedIn) -> HTML {
        AppPages.newCase(
            form, problems: problems, officers: configuration.officers.map { ($0.id, $0.name) },
            complexities: configuration.deadlines.targets.keys.sorted(), viewer: signed.viewer)
    }

    func createCase(_ fields: [String: String], _ signed: SignedIn) async throws -> Response {
        var form = NewCaseForm()
        for name in NewCaseForm.lineFields.keys where fields[name] != nil { form.values[name] = fields[name] }
        for name in NewCaseForm.textFields.keys where fields[name] != nil { form.values[name] = fields[name] }
        let problems = form.problems()
        // An over-long answer is shown back only up to its limit: the page never echoes a megabyte.
        for (name, limit) in NewCaseForm.lineFields.merging(NewCaseForm.textFields, uniquingKeysWith: { $1 }) {
            if let value = form.values[name], value.count > limit { form.values[name] = String(value.prefix(limit)) }
        }
        guard problems.isEmpty else {
            return AppSecurity.page(newCaseHTML(form, problems: problems, signed), status: .unprocessableContent)
        }
        let json = form.json()
        do {
            let logged = try await blocking { try casebook.log(json: json) }
            try await blocking {
                try server.audit.record(reference: logged.reference, principal: signed.principal, action: .created)
            }
            logger.info(
                "web app: case logged", metadata: ["case": "\(logged.reference)", "user": "\(signed.account.name)"])
            return AppSecurity.redirect(AppPaths.casePage(logged.reference) + "?done=created")
        } catch let error as CaseFormError {
            return AppSecurity.page(
                newCaseHTML(form, problems: NewCaseForm.messages(for: error), signed), status: .unprocessableContent)
        }
    }

    // MARK: The case page

    func casePage(_ reference: String, _ request: Request, _ signed: SignedIn) async throws -> Response {
        guard let record = try await visibleCase(reference, signed, action: .viewed) else {
            return notFound(signed.viewer)
        }
        let done = request.uri.queryParameters["done"].map(String.init)
        let model = try await blocking { () -> CasePageModel in
            let history = try casebook.register.events(for: reference)
            let deadlines = Result<CaseDeadlines, any Error> { try server.deadlines.deadlines(for: record) }
            let labels = MessageLabels.forCase(reference)
            let outbox = server.postroom.outbox
            let sent = try outbox.archive.list(labels: labels)
            let waiting = try outbox.list(labels: labels).filter { $0.state != .sent && $0.state != .cancelled }
            let received = try CaseCorrespondence(casebook: casebook).received(for: reference)
            try server.audit.record(reference: reference, principal: signed.principal, action: .viewed)
            return CasePageModel(
                record: record, history: history, deadlines: deadlines, sent: sent, waiting: waiting,
                officerName: configuration.officers.first { $0.id == record.officer }?.name ?? record.officer,
                notice: Self.notice(done, reference: reference), received: received)
        }
        return AppSecurity.page(AppPages.casePage(model, viewer: signed.viewer))
    }

    /// The line shown after an action, from the `done` word of the address (never data).
    static func notice(_ done: String?, reference: String) -> String? {
        switch done {
        case "created": "The case was logged as \(reference)."
        case "queued": "The letter was put in the outbox. It shows under \"Letters sent\" once it has gone."
        case "printed": "The letter was put in the print queue, to be posted."
        case "triaged": "\(reference) was taken on."
        default: nil
        }
    }

    func archived(_ reference: String, _ id: String, _ signed: SignedIn) async throws -> Response {
        guard let record = try await visibleCase(reference, signed, action: .openedArchive) else {
            return notFound(signed.viewer)
        }
        let outbox = server.postroom.outbox
        let found = try await blocking { () -> (OutboxItem, Data)? in
            guard let item = try? outbox.archive.show(id), item.labels["case"] == record.reference else { return nil }
            let data = try outbox.data(of: id)
            try server.audit.record(
                reference: reference, principal: signed.principal, action: .openedArchive, detail: "message \(id)")
            return (item, data)
        }
        guard let found else { return notFound(signed.viewer) }
        let (item, data) = found
        var fields = AppSecurity.headers(contentType: "message/rfc822")
        fields[.contentDisposition] = "attachment; filename=\"\(reference)-\(item.labels["kind"] ?? "message").eml\""
        return Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    // MARK: Writing a letter

    func letterKinds(_ desk: LetterDesk) -> [LetterTemplateInfo] {
        desk.library.caseLetterKinds.compactMap { desk.library.info(kind: $0) }
    }

    func composePage(_ reference: String, _ request: Request, _ signed: SignedIn) async throws -> Response {
        guard try await visibleCase(reference, signed, action: .viewed) != nil else { return notFound(signed.viewer) }
        let desk = try await blocking { try LetterDesk(casebook: casebook) }
        let kinds = letterKinds(desk)
        let asked = request.uri.queryParameters["kind"].map(String.init)
        let chosen = kinds.first { $0.kind.rawValue == asked }?.kind
        let problems =
            asked != nil && chosen == nil
            ? [FieldMessage(fieldID: "kind", message: "Choose a letter from the list")] : []
        return AppSecurity.page(
            AppPages.compose(
                reference: reference, kinds: kinds, chosen: chosen, inputs: [:], problems: problems,
                viewer: signed.viewer),
            status: problems.isEmpty ? .ok : .unprocessableContent)
    }

    func preview(_ reference: String, _ form: [String: String], _ signed: SignedIn) async throws -> Response {
        guard try await visibleCase(reference, signed, action: .previewed) != nil else {
            return notFound(signed.viewer)
        }
        let desk = try await blocking { try LetterDesk(casebook: casebook) }
        let kinds = letterKinds(desk)
        guard let kind = kinds.first(where: { $0.kind.rawValue == form["kind"] })?.kind else {
            return AppSecurity.page(
                AppPages.compose(
                    reference: reference, kinds: kinds, chosen: nil, inputs: [:],
                    problems: [FieldMessage(fieldID: "kind", message: "Choose a letter from the list")],
                    viewer: signed.viewer),
                status: .unprocessableContent)
        }
        var given: [String: String] = [:]
        for (name, value) in form where name.hasPrefix("input.") {
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty { given[String(name.dropFirst("input.".count))] = trimmed }
        }
        let inputs = given
        do {
            let draft = try await blocking { () -> Draft in
                let letter = try desk.prepare(kind, reference: reference, inputs: inputs)
                try server.audit.record(
                    reference: reference, principal: signed.principal, action: .previewed, detail: kind.rawValue)
                return Draft(
                    user: signed.account.name, reference: reference, kind: kind, inputs: inputs,
                    html: letter.merged.html, pdf: try letter.pdf(), attachmentName: letter.attachmentName,
                    subject: letter.merged.subject, recipient: letter.recipientLine, created: casebook.clock.now())
            }
            let id = AppSecurity.randomToken()
            draftStore.put(id, draft, now: casebook.clock.now())
            return AppSecurity.page(
                AppPages.preview(
                    reference: reference, kind: kind, subject: draft.subject, recipient: draft.recipient, draftID: id,
                    viewer: signed.viewer))
        } catch {
            let message = (error as? any LocalizedError)?.errorDescription ?? "\(error)"
            let input = (error as? LetterDeskError)?.input
            let fieldID = input.map { "input-\($0)" } ?? "kind"
            return AppSecurity.page(
                AppPages.compose(
                    reference: reference, kinds: kinds, chosen: kind, inputs: inputs,
                    problems: [FieldMessage(fieldID: fieldID, message: message)], viewer: signed.viewer),
                status: .unprocessableContent)
        }
    }

    func draftLetter(_ id: String, pdf: Bool, _ signed: SignedIn) async throws -> Response {
        guard let draft = draftStore.get(id, user: signed.account.name, now: casebook.clock.now()) else {
            return notFound(signed.viewer)
        }
        if pdf {
            var fields = AppSecurity.headers(contentType: "application/pdf")
            fields[.contentDisposition] = "inline; filename=\"\(draft.attachmentName)\""
            return Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: draft.pdf)))
        }
        return Response(
            status: .ok, headers: AppSecurity.headers(contentType: "text/html; charset=utf-8", framed: true),
            body: .init(byteBuffer: ByteBuffer(string: draft.html)))
    }

    func send(_ id: String, _ signed: SignedIn) async throws -> Response {
        guard let draft = draftStore.take(id, user: signed.account.name, now: casebook.clock.now()) else {
            return notFound(signed.viewer)
        }
        guard try await visibleCase(draft.reference, signed, action: .queuedLetter) != nil else {
            return notFound(signed.viewer)
        }
        let queued = try await blocking { () -> Postroom.Queued in
            let queued = try server.postroom.sendLetter(draft.kind, reference: draft.reference, inputs: draft.inputs)
            try server.audit.record(
                reference: draft.reference, principal: signed.principal, action: .queuedLetter,
                detail: draft.kind.rawValue)
            DaemonLock.nudge(casebook.workspace)
            return queued
        }
        logger.info(
            "web app: letter queued",
            metadata: [
                "case": "\(draft.reference)", "kind": "\(draft.kind.rawValue)", "user": "\(signed.account.name)",
            ])
        let done =
            switch queued {
            case .print: "printed"
            case .email: "queued"
            }
        return AppSecurity.redirect(AppPaths.casePage(draft.reference) + "?done=\(done)")
    }

    // MARK: The outbox

    /// The messages waiting or stopped that `signed` may act on: a manager all, an officer their cases'.
    func outboxItems(_ signed: SignedIn) throws -> [OutboxItem] {
        let outbox = server.postroom.outbox
        let states: [OutboxState] = [.hold, .failed, .deferred, .queued, .active]
        let items = try states.flatMap { try outbox.list(state: $0) }
        guard visibleOfficers(signed.account) != nil else { return items }
        return items.filter { item in
            guard let reference = item.labels["case"], let record = try? casebook.register.find(reference) else {
                return false
            }
            return canSee(record, signed.account)
        }
    }

    func outboxPage(_ request: Request, _ signed: SignedIn) async throws -> Response {
        let items = try await blocking {
            let items = try outboxItems(signed)
            try server.audit.record(
                references: Array(Set(items.compactMap { $0.labels["case"] })).sorted(), principal: signed.principal,
                action: .listed)
            return items
        }
        let notice: String? =
            switch request.uri.queryParameters["done"].map(String.init) {
            case "release": "The message was released: it will be sent again."
            case "retry": "The message will be tried again now."
            case "cancel": "The message was cancelled: it will not be sent."
            default: nil
            }
        return AppSecurity.page(AppPages.outbox(items, notice: notice, viewer: signed.viewer))
    }

    func outboxAction(_ id: String, _ action: String, _ signed: SignedIn) async throws -> Response {
        guard ["release", "retry", "cancel"].contains(action) else { return notFound(signed.viewer) }
        let done = try await blocking { () -> Bool in
            guard let item = try outboxItems(signed).first(where: { $0.id == id }) else { return false }
            let outbox = server.postroom.outbox
            switch action {
            case "release": _ = try outbox.release(id)
            case "retry": _ = try outbox.retry(id)
            default: _ = try outbox.cancel(id, reason: "cancelled by \(signed.account.name) in the web app")
            }
            if let reference = item.labels["case"] {
                try server.audit.record(
                    reference: reference, principal: signed.principal, action: .actedOnMessage,
                    detail: "\(action) message \(id)")
            }
            DaemonLock.nudge(casebook.workspace)
            return true
        }
        guard done else { return notFound(signed.viewer) }
        logger.info("web app: outbox \(action)", metadata: ["message": "\(id)", "user": "\(signed.account.name)"])
        return AppSecurity.redirect(AppPaths.outbox + "?done=\(action)")
    }

    // MARK: Triage

    func triagePage(_ request: Request, _ signed: SignedIn) async throws -> Response {
        let cases = try await blocking {
            let cases = try casebook.untriaged()
            try server.audit.record(references: cases.map(\.reference), principal: signed.principal, action: .listed)
            return cases
        }
        let done = request.uri.queryParameters["done"].map(String.init)
        let notice = done.flatMap { Self.isPlausibleReference($0) ? "\($0) was taken on." : nil }
        return AppSecurity.page(
            AppPages.triage(
                cases, officers: officerChoices(signed.account), problems: [:], notice: notice,
                viewer: signed.viewer))
    }

    func triage(_ reference: String, _ form: [String: String], _ signed: SignedIn) async throws -> Response {
        guard let record = try await visibleCase(reference, signed, action: .updated), record.status == .triage else {
            return notFound(signed.viewer)
        }
        let officer = form["officer"] ?? ""
        let kind = CaseKind(rawValue: form["kind"] ?? "complaint") ?? .complaint
        let name = (form["name"] ?? "").trimmingCharacters(in: .whitespaces)
        do {
            try await blocking {
                try casebook.triage(
                    reference, officer: officer, kind: kind, complainantName: name.isEmpty ? nil : PersonName(name))
                try server.audit.record(
                    reference: reference, principal: signed.principal, action: .updated, detail: "triaged")
            }
            return AppSecurity.redirect(AppPaths.triage + "?done=\(reference)")
        } catch let error as CaseFormError {
            let messages = error.problems.map {
                FieldMessage(fieldID: "\(reference)-\($0.field == "name" ? "name" : "officer")", message: $0.message)
            }
            let cases = try await blocking { try casebook.untriaged() }
            return AppSecurity.page(
                AppPages.triage(
                    cases, officers: officerChoices(signed.account), problems: [reference: messages], notice: nil,
                    viewer: signed.viewer),
                status: .unprocessableContent)
        }
    }

    // MARK: Status

    func statusPage(_ signed: SignedIn) async throws -> Response {
        let (status, open) = try await blocking { () -> (WorkspaceStatus, Int) in
            let outbox = try Outbox(folder: casebook.workspace.outboxURL, clock: casebook.clock)
            let status = try WorkspaceStatus.read(casebook: casebook, outbox: outbox)
            let open = try casebook.register.cases(CaseFilter(openOnly: true)).filter { canSee($0, signed.account) }
            return (status, open.count)
        }
        return AppSecurity.page(AppPages.status(status, openCases: open, viewer: signed.viewer))
    }
}

/// Drafts previewed and not yet sent, for half an hour, each for the person who previewed it.
final class DraftStore: Sendable {
    private let drafts = Mutex<[String: Draft]>([:])
    static let lifetime: TimeInterval = 30 * 60

    func put(_ id: String, _ draft: Draft, now: Date) {
        drafts.withLock { drafts in
            drafts = drafts.filter { now.timeIntervalSince($0.value.created) < Self.lifetime }
            drafts[id] = draft
        }
    }

    func get(_ id: String, user: String, now: Date) -> Draft? {
        drafts.withLock { drafts in
            guard let draft = drafts[id], draft.user == user, now.timeIntervalSince(draft.created) < Self.lifetime
            else { return nil }
            return draft
        }
    }

    /// The draft, removed: a confirm step sends once.
    func take(_ id: String, user: String, now: Date) -> Draft? {
        drafts.withLock { drafts in
            guard let draft = drafts[id], draft.user == user, now.timeIntervalSince(draft.created) < Self.lifetime
            else { return nil }
            drafts[id] = nil
            return draft
        }
    }
}
