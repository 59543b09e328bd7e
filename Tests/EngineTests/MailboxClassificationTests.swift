import Foundation
import Testing

@testable import Engine

/// A message from the mailbox with only what a test sets.
func inbound(
    _ id: String = "1", from address: String? = "eve.jones@example.org", name: String? = "Eve Jones",
    subject: String = "Complaint about my appointment", messageID: String? = "<m1@mail.example.org>",
    inReplyTo: [String] = [], references: [String] = [], headers: [(String, String)] = [], text: String = "Hello",
    attachments: [MailboxAttachment] = [], report: MailboxDeliveryReport? = nil,
    arrived: String = "2026-11-25T08:30:00Z"
) -> MailboxMessage {
    MailboxMessage(
        ledgerID: id, arrivedAt: ISO8601DateFormatter().date(from: arrived)!, keptPath: "Inbound/\(id).eml",
        fromName: name, fromAddress: address, subject: subject, messageID: messageID, inReplyTo: inReplyTo,
        references: references, headers: headers.map { (name: $0.0, value: $0.1) }, text: text,
        attachments: attachments, deliveryReport: report)
}

/// What the classifier knows in these tests: one case, PALS-2026-0007, of eve.jones@example.org, whose
/// acknowledgement pals sent as <ack7@pals.example.org>.
let knownCase = MailboxKnowledge(
    sentMessage: { id in
        id == "<ack7@pals.example.org>"
            ? SentMessage(
                outboxID: "20261120T090000000Z-000000000007", reference: "PALS-2026-0007", kind: "acknowledgement")
            : nil
    },
    lastSentMessage: { reference in
        reference == "PALS-2026-0007"
            ? SentMessage(outboxID: "20261120T090000000Z-000000000007", reference: reference, kind: "acknowledgement")
            : nil
    },
    complainantAddress: { reference in reference == "PALS-2026-0007" ? .some("Eve.Jones@Example.org") : nil })

@Suite("Mailbox classification: automatic, bounce, reply or new")
struct MailboxClassificationTests {
    func classify(_ message: MailboxMessage) -> MailboxClassification {
        MailboxClassifier.classify(message, known: knownCase)
    }

    @Test("a message a person wrote about something new is new")
    func personNew() {
        #expect(classify(inbound()) == .new)
    }

    @Test(
        "every loop-detection header makes a message automatic",
        arguments: [
            ("Auto-Submitted", "auto-replied", AutomaticMailReason.autoSubmitted("auto-replied")),
            ("Auto-Submitted", "auto-generated; owner-email=x@example.org", .autoSubmitted("auto-generated")),
            ("auto-submitted", "AUTO-NOTIFIED", .autoSubmitted("auto-notified")),
            ("Precedence", "bulk", .precedence("bulk")),
            ("Precedence", "Junk", .precedence("junk")),
            ("Precedence", "list", .precedence("list")),
            ("List-Id", "Patients forum <forum.lists.example.org>", .mailingList),
            ("X-Autoreply", "yes", .autoReplyHeader("X-Autoreply")),
            ("X-Autorespond", "Out of office", .autoReplyHeader("X-Autorespond")),
            ("X-Auto-Response-Suppress", "All", .autoReplyHeader("X-Auto-Response-Suppress")),
            ("Return-Path", "<>", .nullReturnPath),
            ("Return-Path", " < > ", .nullReturnPath),
        ])
    func headersMakeAutomatic(name: String, value: String, reason: AutomaticMailReason) {
        #expect(classify(inbound(headers: [(name, value)])) == .automatic(reason))
    }

    @Test("Auto-Submitted: no, Precedence: first-class and a real Return-Path are a person's mail")
    func notAutomatic() {
        let message = inbound(headers: [
            ("Auto-Submitted", "no"), ("Precedence", "first-class"), ("Return-Path", "<eve.jones@example.org>"),
        ])
        #expect(classify(message) == .new)
    }

    @Test("a forged Auto-Submitted: no with Precedence: bulk is still automatic")
    func forgedNo() {
        let message = inbound(headers: [("Auto-Submitted", "no"), ("Precedence", "bulk")])
        #expect(classify(message) == .automatic(.precedence("bulk")))
    }

    @Test(
        "machine senders are automatic, however they are written",
        arguments: [
            "MAILER-DAEMON@mx.example.org", "postmaster@example.org", "noreply@example.org",
            "no-reply+123@example.org", "\"Postmaster\"@example.org", "bounces+x=y@lists.example.org",
        ])
    func machineSenders(address: String) {
        guard case .automatic(.machineSender) = classify(inbound(from: address)) else {
            Issue.record("\(address) was not automatic")
            return
        }
    }

    @Test("an auto-reply naming our reference is automatic, never a reply on the case")
    func autoReplyWithReference() {
        let message = inbound(
            subject: "Out of office: Re: Your complaint PALS-2026-0007", inReplyTo: ["<ack7@pals.example.org>"],
            headers: [("Auto-Submitted", "auto-replied")])
        #expect(classify(message) == .automatic(.autoSubmitted("auto-replied")))
    }

    @Test("a reply from the complainant by thread (In-Reply-To, or References) is a reply on the case")
    func replyByThread() {
        #expect(
            classify(inbound(subject: "Re: thank you", inReplyTo: ["<ack7@pals.example.org>"]))
                == .reply(reference: "PALS-2026-0007"))
        #expect(
            classify(inbound(subject: "more", references: ["<other@x.example>", "<ack7@pals.example.org>"]))
                == .reply(reference: "PALS-2026-0007"))
    }

    @Test("a reply by reference in the subject, the address written differently (case, +tag), is a reply")
    func replyBySubject() {
        let message = inbound(from: "eve.jones+nhs@EXAMPLE.org", subject: "Re: [pals-2026-0007] more details")
        #expect(classify(message) == .reply(reference: "PALS-2026-0007"))
    }

    @Test("a reply claiming our reference from a stranger goes to triage, naming the case")
    func strangerClaimsReference() {
        let bySubject = inbound(from: "mallory@example.net", subject: "Re: Your complaint PALS-2026-0007")
        #expect(classify(bySubject) == .strangerReply(reference: "PALS-2026-0007"))
        let byThread = inbound(from: "mallory@example.net", inReplyTo: ["<ack7@pals.example.org>"])
        #expect(classify(byThread) == .strangerReply(reference: "PALS-2026-0007"))
        #expect(
            classify(inbound(from: nil, inReplyTo: ["<ack7@pals.example.org>"]))
                == .strangerReply(reference: "PALS-2026-0007"))
    }

    @Test("a reference that names no case is new mail")
    func unknownReference() {
        #expect(classify(inbound(subject: "About PALS-2026-9999")) == .new)
    }

    @Test("a delivery report about our acknowledgement is a bounce with the server's words and no address")
    func bounceByMessageID() {
        let report = MailboxDeliveryReport(
            originalMessageID: "<ack7@pals.example.org>", action: "failed", status: "5.1.1",
            diagnostic: "smtp; 550 5.1.1 <eve.jones@example.org>: Recipient address rejected")
        let message = inbound(from: "MAILER-DAEMON@mx.example.org", name: nil, report: report)
        guard case .bounce(let sent, let reason) = classify(message) else {
            Issue.record("not a bounce")
            return
        }
        #expect(sent.reference == "PALS-2026-0007")
        #expect(sent.kind == "acknowledgement")
        #expect(reason.hasPrefix("550 5.1.1"))
        #expect(!reason.contains("eve.jones"))
    }

    @Test("a report without the Message-ID is matched by the reference in the returned subject")
    func bounceBySubject() {
        let report = MailboxDeliveryReport(
            originalMessageID: nil, originalHeaders: [(name: "Subject", value: "Your complaint PALS-2026-0007")],
            action: "failed", status: "5.2.2")
        guard case .bounce(let sent, let reason) = classify(inbound(report: report)) else {
            Issue.record("not a bounce")
            return
        }
        #expect(sent.reference == "PALS-2026-0007")
        #expect(reason == "status 5.2.2")
    }

    @Test("a bounce for a message we never sent, and a 'delayed' report, are automatic and change nothing")
    func unmatchedReports() {
        let stranger = MailboxDeliveryReport(
            originalMessageID: "<never@elsewhere.example>", action: "failed", status: "5.1.1")
        #expect(classify(inbound(report: stranger)) == .automatic(.unmatchedDeliveryReport))
        let delayed = MailboxDeliveryReport(originalMessageID: "<ack7@pals.example.org>", action: "delayed")
        #expect(classify(inbound(report: delayed)) == .automatic(.unmatchedDeliveryReport))
    }

    @Test("a 500-character subject costs at most eight reference look-ups")
    func longSubject() {
        let subject = (0..<100).map { "A\($0)B" }.joined(separator: " ") + String(repeating: "x", count: 100)
        #expect(subject.count >= 500)
        #expect(MailboxClassifier.referenceCandidates(in: subject).count == 8)
        #expect(classify(inbound(subject: subject)) == .new)
    }

    @Test("control characters, CR/LF and bidi overrides become single spaces in kept text")
    func oneLine() {
        #expect(
            MailboxText.oneLine("Help\r\nBcc: x@y\u{0}\u{202E}now\t\tplease", limit: 100) == "Help Bcc: x@y now please")
        #expect(MailboxText.oneLine(String(repeating: "é", count: 500), limit: 200).count == 200)
    }
}
