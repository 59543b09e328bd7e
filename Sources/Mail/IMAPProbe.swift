internal import Dispatch
package import Foundation

/// What `IMAPProbe` found out about the mailbox.
package struct IMAPProbeReport: Sendable, Hashable {
    /// The server libcurl connected to, such as `imaps://mail.example.org:993`.
    package let url: String
    /// Whether the session ran over TLS (implicit, or STARTTLS).
    package let tls: Bool
    /// The capabilities the server offers after login.
    package let capabilities: Set<String>
    /// The folder mail is read from, and what STATUS says of it.
    package let folder: String
    package let status: IMAPFolderStatus
    /// The folder recorded mail is moved to, and what STATUS says of it (nil when mail is marked `\Seen`).
    package let processedFolder: String?
    package let processedStatus: IMAPFolderStatus?
    /// Whether moving is one command (MOVE) or COPY, `\Deleted` and EXPUNGE.
    package var movesInOneStep: Bool { capabilities.contains("MOVE") }
}

/// Checks the mailbox without taking mail: connection, TLS, login, the folder and the processed folder
/// (`pals imap check`).
package enum IMAPProbe {
    /// Connects as a poll would (same TLS rules), logs in, asks CAPABILITY and the folders' STATUS.
    /// - Throws: ``MailError`` with a code that says what failed: `mailboxTLS`, `mailboxLoginRefused`,
    ///   `mailboxFolderMissing`, `mailboxUnreachable`, or `invalidIMAPConfiguration` before connecting.
    package static func check(_ configuration: IMAPConfiguration) async throws(MailError) -> IMAPProbeReport {
        let session = try IMAPSession(configuration: configuration)
        return try await IMAPSession.offPool(session) { session throws(MailError) in
            let capabilities = try session.capabilities()
            let status = try session.status(configuration.folder)
            let processed = try configuration.processedFolder.map { folder throws(MailError) in
                try session.status(folder)
            }
            return IMAPProbeReport(
                url: session.plan.serverURL, tls: session.plan.useTLS, capabilities: capabilities,
                folder: configuration.folder, status: status, processedFolder: configuration.processedFolder,
                processedStatus: processed)
        }
    }
}

/// A session handed to a Dispatch thread of its own; only that thread touches it while the work runs.
private final class SessionBox: @unchecked Sendable {
    let session: IMAPSession
    init(_ session: IMAPSession) { self.session = session }
}

extension IMAPSession {
    /// Runs `body` with `session` on a Dispatch thread of its own, never on the cooperative pool: every call of a
    /// session blocks until the server answers.
    package static func offPool<T: Sendable>(
        _ session: IMAPSession, _ body: @escaping @Sendable (IMAPSession) throws(MailError) -> T
    ) async throws(MailError) -> T {
        let box = SessionBox(session)
        let result: Result<T, MailError> = await withCheckedContinuation { continuation in
            DispatchQueue(label: "pals.mail.imap").async {
                do throws(MailError) {
                    continuation.resume(returning: .success(try body(box.session)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}
