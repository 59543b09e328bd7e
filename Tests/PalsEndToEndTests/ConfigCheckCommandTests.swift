import Foundation
import PalsTestKit
import Testing

/// Issue 11 item 13, through the real `pals` binary: `config check` checks what the daemon and the letters need.
@Suite("pals config check, run as a real binary", .serialized)
struct ConfigCheckCommandTests {
    @Test("config check fails on an officer without a phone and on a missing SMTP password file")
    func configCheck() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let ok = try await ws.pals(["config", "check"])
        #expect(ok.status == 0, "the starter passes: \(ok)")
        #expect(ok.stdout.contains("templates checked"))
        let file = URL(filePath: ws.workspace).appending(path: "pals.yaml")
        let starter = try String(contentsOf: file, encoding: .utf8)
        let noPhone = starter.replacingOccurrences(
            of: "    phone: 01632 960003        # letters give the officer's phone: every officer needs one\n",
            with: "")
        #expect(noPhone != starter)
        try noPhone.write(to: file, atomically: true, encoding: .utf8)
        let phone = try await ws.pals(["config", "check"])
        #expect(phone.status == 1, "\(phone)")
        #expect(phone.stderr.contains("officers[1].phone (sam)"), "\(phone.stderr)")
        #expect(phone.stdout.isEmpty, "no OK line")

        try starter.write(to: file, atomically: true, encoding: .utf8)
        let password = ws.folder.appending("smtp-password").path
        let smtp = [
            "PALS_SMTP_URL": "smtps://mail.example.org:465", "PALS_SMTP_USER": "pals",
            "PALS_SMTP_PASSWORD_FILE": password,
        ]
        let missing = try await ws.pals(["config", "check"], environment: smtp)
        #expect(missing.status == 1, "\(missing)")
        #expect(missing.stderr.contains("mail.smtp.passwordFile: \(password) does not exist"), "\(missing.stderr)")
        try Data("not-a-real-password\n".utf8).write(to: URL(filePath: password))
        #expect(chmod(password, 0o600) == 0)
        let good = try await ws.pals(["config", "check"], environment: smtp)
        #expect(good.status == 0, "\(good)")
    }
}
