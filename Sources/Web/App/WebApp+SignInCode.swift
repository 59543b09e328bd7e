import Casework
import Engine
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Primitives
import Synchronization

/// People who gave the right password and are asked for their sign-in code: a random token (in a cookie) names
/// the account for five minutes. Kept in memory: a restart asks for the password again, which is harmless.
final class PendingSignIns: Sendable {
    private let pending = Mutex<[String: (user: String, created: Date)]>([:])
    /// How long the code step waits.
    static let lifetime: TimeInterval = 5 * 60

    /// A new token for `user`.
    func start(_ user: String, now: Date) -> String {
        let token = AppSecurity.randomToken()
        pending.withLock { pending in
            pending = pending.filter { now.timeIntervalSince($0.value.created) < Self.lifetime }
            pending[token] = (user, now)
        }
        return token
    }

    /// The account waiting under `token`, if any and not expired.
    func user(_ token: String, now: Date) -> String? {
        pending.withLock { pending in
            guard let entry = pending[token], now.timeIntervalSince(entry.created) < Self.lifetime else { return nil }
            return entry.user
        }
    }

    /// Forgets `token` (signed in, or locked).
    func end(_ token: String) {
        _ = pending.withLock { $0.removeValue(forKey: token) }
    }
}

extension WebApp {
    /// The cookie naming a sign-in that waits for its code.
    static let pendingCookie = "pals_signin_code"

    /// After the right password of an enrolled account: remember who, and ask for the code.
    func askForCode(_ account: UserAccount) -> Response {
        let token = pendingSignIns.start(account.name, now: casebook.clock.now())
        logger.info("web app: password accepted, code asked for", metadata: ["user": "\(account.name)"])
        return AppSecurity.redirect(
            AppPaths.signInCode,
            cookies: [AppSecurity.cookie(Self.pendingCookie, token, maxAge: Int(PendingSignIns.lifetime))])
    }

    /// The account whose code step this browser is on.
    func pendingUser(_ request: Request) -> (token: String, user: String)? {
        guard let token = request.cookies[Self.pendingCookie]?.value, token.count <= 128,
            let user = pendingSignIns.user(token, now: casebook.clock.now())
        else { return nil }
        return (token, user)
    }

    /// The code page, with a fresh form token (as the sign-in page has).
    func codePage(problem: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        let token = AppSecurity.randomToken()
        return AppSecurity.page(
            AppPages.signInCode(csrfToken: token, problem: problem), status: status,
            cookies: [AppSecurity.cookie(AppSecurity.signInCookie, token, maxAge: 3600)])
    }

    func signInCodePage(_ request: Request) async throws -> Response {
        guard pendingUser(request) != nil else { return AppSecurity.redirect(AppPaths.signIn) }
        return codePage()
    }

    func signInCode(_ request: Request) async throws -> Response {
        if let reason = AppSecurity.crossSiteRefusal(request) { return crossSite(reason) }
        guard let form = try await readForm(request) else { return tooLarge(nil) }
        guard let (token, user) = pendingUser(request) else { return AppSecurity.redirect(AppPaths.signIn) }
        guard AppSecurity.tokensMatch(form["csrfToken"] ?? "", request.cookies[AppSecurity.signInCookie]?.value ?? "")
        else {
            return codePage(problem: "The form had expired. Enter the code again.", status: .forbidden)
        }
        if signInLimiter.take("name:" + user, now: casebook.clock.now()) != nil {
            return codePage(
                problem: "Too many sign-ins were tried just now. Wait a minute and try again.",
                status: .tooManyRequests)
        }
        let code = String((form["code"] ?? "").prefix(32))
        switch try await blocking({ try accounts.signIn(name: user, code: code) }) {
        case .refused(let message):
            logger.notice("web app: a sign-in code was refused", metadata: ["user": "\(user)"])
            if message == AppAccounts.lockedMessage(accounts.policy) { pendingSignIns.end(token) }
            return codePage(problem: message)
        case .needsCode:
            return AppSecurity.redirect(AppPaths.signIn)
        case .signedIn(let cookie, _, let account):
            pendingSignIns.end(token)
            return signedInRedirect(cookie, account)
        }
    }

    /// The answer to a finished sign-in: the session cookie, the step cookies cleared, on to `location` (a path of
    /// the app: the board unless a single sign-on started on another page).
    func signedInRedirect(_ cookie: String, _ account: UserAccount, then location: String = AppPaths.board) -> Response
    {
        logger.info("web app: signed in", metadata: ["user": "\(account.name)"])
        return AppSecurity.redirect(
            location,
            cookies: [
                AppSecurity.cookie(AppSecurity.sessionCookie, cookie, maxAge: Int(accounts.absolute)),
                AppSecurity.clearCookie(AppSecurity.signInCookie), AppSecurity.clearCookie(Self.pendingCookie),
            ])
    }
}
