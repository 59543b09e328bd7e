import Foundation
import Testing

@testable import Engine

@Suite("Loop protection sees the mailbox, however the address is written")
struct AutoReplyGuardTests {
    @Test(
        "machine addresses are refused when quoted, escaped, capitalised or tagged",
        arguments: [
            #""postmaster"@example.org"#, #""Postmaster"@example.org"#, #""mailer-daemon"@example.org"#,
            #""no\reply"@example.org"#, "MAILER-DAEMON@example.org", #""MAILER-DAEMON"@EXAMPLE.ORG"#,
            #""post\master"@example.org"#, "postmaster+bounce-42@example.org",
            "bounces+1234-x=example.org@lists.example",
            "NoReply@example.org", #""no-reply"+ticket@example.org"#, "  postmaster@example.org ",
        ])
    func machineAddressesRefused(address: String) {
        #expect(AutoReplyGuard.refusal(for: address) != nil, "\(address) should get no automatic reply")
    }

    @Test(
        "people's addresses are not refused",
        arguments: [
            "eira.example@example.org", #""jane smith"@example.org"#, "jane+postmaster@example.org",
            #""post+master"@example.org"#, "postmasters.friend@example.org", #""no\\reply"@example.org"#,
        ])
    func peopleAllowed(address: String) {
        #expect(AutoReplyGuard.refusal(for: address) == nil, "\(address) is a person's address")
    }

    @Test("the mailbox of an address: unquoted, unescaped, lowercased, without the +tag")
    func mailbox() {
        #expect(AutoReplyGuard.mailbox(of: #""Post\master"@Example.ORG"#) == ("postmaster", "example.org"))
        #expect(AutoReplyGuard.mailbox(of: #""a@b"@example.org"#) == ("a@b", "example.org"))
        #expect(AutoReplyGuard.mailbox(of: "Jane+Letters@example.org") == ("jane", "example.org"))
        #expect(AutoReplyGuard.mailbox(of: #""jane+x"@example.org"#) == ("jane+x", "example.org"))
    }

    @Test("the per-recipient cap counts one mailbox however its address is written")
    func capCountsTheMailbox() {
        let guardrail = AutoReplyGuard(perRecipientPerHour: 2)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(guardrail.allow("jane@example.org", at: now))
        #expect(guardrail.allow(#""Jane"@EXAMPLE.org"#, at: now))
        #expect(!guardrail.allow("jane+again@example.org", at: now))
        #expect(guardrail.allow("john@example.org", at: now))
        #expect(guardrail.allow("jane@example.org", at: now.addingTimeInterval(3601)))
    }

    @Test("a slot given back is found however the address was written")
    func giveBackFindsTheMailbox() {
        let guardrail = AutoReplyGuard(perRecipientPerHour: 1)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(guardrail.allow(#""Jane"+letters@Example.org"#, at: now))
        #expect(!guardrail.allow("jane@example.org", at: now))
        guardrail.giveBack(#""Jane"+letters@Example.org"#, at: now)
        #expect(guardrail.allow("jane@example.org", at: now), "the slot was given back")
    }
}
