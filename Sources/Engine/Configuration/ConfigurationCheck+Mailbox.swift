import Foundation
import Mail

extension ConfigurationCheck {
    /// The checks of `intake.mailbox` that need more than the file: its password file (there, a regular file,
    /// readable, mode 600, not empty) or the password variable, and its CA file. The URL, the TLS rule and the
    /// folder names were checked when the file was read.
    func mailboxFindings() -> [ConfigurationFinding] {
        guard let settings = configuration.mailbox else { return [] }
        var findings: [ConfigurationFinding] = []
        func fail(_ key: String, _ message: String) {
            findings.append(.init(severity: .error, key: key, message: message))
        }
        if let path = settings.passwordFile {
            let key = "intake.mailbox.passwordFile"
            var status = stat()
            if lstat(path, &status) != 0 {
                fail(key, "\(path) does not exist: create it with the mailbox password on its first line (mode 600)")
            } else if (status.st_mode & S_IFMT) != S_IFREG {
                fail(key, "\(path) is not a regular file (a link or a folder is refused)")
            } else if !FileManager.default.isReadableFile(atPath: path) {
                fail(key, "\(path) cannot be read by this user: the daemon must be able to read it (mode 600)")
            } else if status.st_mode & 0o077 != 0 {
                fail(
                    key,
                    "\(path) can be read by others (mode \(String(status.st_mode & 0o777, radix: 8))): chmod 600 it")
            } else if (try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n").first?
                .allSatisfy(\.isWhitespace) ?? true
            {
                fail(key, "\(path) is empty: put the mailbox password on its first line")
            }
        } else if (environment[MailboxSettings.passwordEnv] ?? "").isEmpty {
            findings.append(
                .init(
                    severity: .warning, key: "intake.mailbox.passwordFile",
                    message: "is not set, and the password variable \(MailboxSettings.passwordEnv) is not set here:"
                        + " make sure the daemon's environment sets it, or use intake.mailbox.passwordFile"))
        }
        if let ca = settings.caFile, !FileManager.default.isReadableFile(atPath: ca) {
            fail("intake.mailbox.caFile", "\(ca) does not exist or cannot be read, so no certificate can be verified")
        }
        return findings
    }
}
