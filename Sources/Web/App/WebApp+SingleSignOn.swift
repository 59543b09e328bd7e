import Casework
import Engine
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Primitives

/// What a request's single sign-on header says, once checked.
enum SingleSignOnClaim: Sendable {
    /// Not configured, no header, or a header from an address not trusted (ignored).
    case none
    /// A trusted proxy names this enabled local account.
    case account(UserAccount)
    /// A trusted proxy names no usable account: unknown, disabled, or not a name at all.
    case refused
}

extension WebApp {
    /// The account a trusted proxy's header names. The header is believed only when `http.sso` is set and the
    /// connection comes from one of its proxies; from anywhere else it is ignored and logged without its value.
    func singleSignOn(_ request: Request, _ context: WebRequestContext) async throws -> SingleSignOnClaim {
        guard let settings = server.settings.singleSignOn, let field = HTTPField.Name(settings.header) else {
            return .none
        }
        let values = request.headers[values: field]
        guard !values.isEmpty else { return .none }
        guard settings.trusts(context.peerAddress) else {
            logger.warning(
                "web app: a single sign-on header from an untrusted address was ignored",
                metadata: ["address": "\(context.peerAddress ?? "unknown")"])
            return .none
        }
        // One value, a valid sign-in name: anything else (two headers, control characters, odd text) is refused.
        let name = values.count == 1 ? values[0].trimmingCharacters(in: .whitespaces).lowercased() : ""
        guard UserAccount.isValidName(name) else {
            logger.warning("web app: a single sign-on header that is not a user name was refused")
            return .refused
        }
        guard let account = try await blocking({ try accounts.users.account(named: name) }), !account.isDisabled
        else {
            logger.warning("web app: single sign-on named no enabled account", metadata: ["user": "\(name)"])
            return .refused
        }
        return .account(account)
    }

    /// The page for a proxy's header that names nobody who may sign in.
    func singleSignOnRefused() -> Response {
        AppSecurity.page(
            AppPages.refusal(
                title: "You cannot sign in to pals",
                explanation: "Your organisation's sign-in worked, but pals has no account for you, or your account "
                    + "is turned off. Ask your complaints manager to add or turn on your pals account.",
                viewer: nil),
            status: .forbidden)
    }

    /// Signs in the account a trusted proxy names (a session as after a password, without one), then goes on to
    /// `location`, a path of the app.
    func signInBySingleSignOn(_ account: UserAccount, then location: String) async throws -> Response {
        let outcome = try await blocking { try accounts.startSession(for: account, at: casebook.clock.now()) }
        guard case .signedIn(let cookie, _, let account) = outcome else { return singleSignOnRefused() }
        logger.info("web app: signed in by single sign-on", metadata: ["user": "\(account.name)"])
        return signedInRedirect(cookie, account, then: location)
    }
}
