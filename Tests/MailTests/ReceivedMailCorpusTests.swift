import Foundation
import PalsTestKit
import Testing

@testable import Mail

/// The received-mail corpus: real-shaped messages from the clients and servers a PALS mailbox hears from.
enum ReceivedCorpus {
    static let folder = URL(filePath: #filePath).deletingLastPathComponent().appending(path: "Fixtures/received")
    static let oracle = URL(filePath: #filePath).deletingLastPathComponent()
        .appending(path: "Fixtures/received_oracle.py")

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".eml") }
            .sorted()
    }

    static func parse(_ name: String) throws -> ReceivedMail {
        try ReceivedMailParser.parse(Array(try Data(contentsOf: folder.appending(path: name))))
    }
}

/// What Python's `email` package (policy.default) reads from one corpus file; see Fixtures/received_oracle.py.
struct OracleReading: Decodable {
    struct Address: Decodable, Equatable {
        var name: String?
        var address: String
    }
    struct Attachment: Decodable, Equatable {
        var filename: String?
        var size: Int
    }
    var file: String
    var from: [Address]
    var to: [Address]
    var subject: String
    var messageID: String?
    var inReplyTo: [String]
    var references: [String]
    var texts: [String]
    var forwarded: [[String]]
    var attachments: [Attachment]
}

@Suite("Received mail: the corpus read the same as Python's email package reads it")
struct ReceivedMailCorpusTests {
    /// Runs the oracle over every corpus file, off the cooperative pool.
    static func oracleReadings() async throws -> [String: OracleReading] {
        let files = ReceivedCorpus.files.map { ReceivedCorpus.folder.appending(path: $0).path }
        let result = try await offPool {
            try ProcessRunner.run(URL(filePath: "/usr/bin/python3"), [ReceivedCorpus.oracle.path] + files)
        }
        try #require(result.status == 0, "the oracle failed: \(result)")
        var readings: [String: OracleReading] = [:]
        for line in result.stdout.split(separator: "\n") {
            let reading = try JSONDecoder().decode(OracleReading.self, from: Data(line.utf8))
            readings[reading.file] = reading
        }
        return readings
    }

    /// Names compare with runs of white space made one: Python keeps the space between two encoded words in a
    /// display name, which RFC 2047 section 6.2 says to drop.
    static func address(_ address: ReceivedAddress) -> OracleReading.Address {
        .init(name: address.name, address: address.address)
    }

    static func normalised(_ address: OracleReading.Address) -> OracleReading.Address {
        .init(name: address.name.map { $0.split(separator: " ").joined(separator: " ") }, address: address.address)
    }

    @Test("The corpus has the messages the issue names")
    func corpusComplete() {
        #expect(
            ReceivedCorpus.files == [
                "android.eml", "apple-inline-image.eml", "exim-bounce.eml", "forwarded.eml", "gmail-alternative.eml",
                "irish-latin9.eml", "newsletter-html-only.eml", "outlook-out-of-office.eml", "outlook-related.eml",
                "postfix-bounce.eml", "utf8-headers-rfc2231.eml",
            ])
    }

    @Test("Addresses, subject, ids, text and attachments match Python's reading for every corpus file")
    func matchesPython() async throws {
        let readings = try await Self.oracleReadings()
        #expect(readings.count == ReceivedCorpus.files.count)
        for file in ReceivedCorpus.files {
            let python = try #require(readings[file], "the oracle did not read \(file)")
            let mail = try ReceivedCorpus.parse(file)
            #expect(mail.from.map(Self.address) == python.from.first.map(Self.normalised), "\(file)")
            #expect(mail.to.map(Self.address) == python.to.map(Self.normalised), "\(file)")
            #expect(mail.subject == python.subject, "\(file)")
            #expect(mail.messageID == python.messageID, "\(file)")
            #expect(mail.inReplyTo == python.inReplyTo, "\(file)")
            #expect(mail.references == python.references, "\(file)")
            let pythonText =
                python.texts.count == 1
                ? python.texts[0] : python.texts.map { $0.hasSuffix("\n") ? $0 : $0 + "\n" }.joined()
            if python.forwarded.isEmpty {
                if !python.texts.isEmpty { #expect(mail.text == pythonText, "\(file)") }
            } else {
                #expect(mail.text.hasPrefix(pythonText), "\(file)")
                for forwarded in python.forwarded.joined() { #expect(mail.text.contains(forwarded), "\(file)") }
            }
            #expect(
                mail.attachments.map { OracleReading.Attachment(filename: $0.filename, size: $0.data.count) }
                    == python.attachments, "\(file)")
            #expect(mail.notes.isEmpty, "\(file): \(mail.notes)")
        }
    }

    @Test("Outlook: Windows-1252 smart quotes, threading ids, and the inline logo with its Content-ID")
    func outlook() throws {
        let mail = try ReceivedCorpus.parse("outlook-related.eml")
        #expect(mail.text.contains("I’m afraid the appointment on Ward 7 still hasn’t been rebooked – my father"))
        #expect(mail.inReplyTo == ["pals.2026-0412.2@trust.example.nhs.uk"])
        #expect(mail.references.count == 2)
        #expect(mail.html?.contains("cid:image001.png@01DB43A2.5E2C1F30") == true)
        let logo = try #require(mail.attachments.first)
        #expect(logo.contentType == "image/png")
        #expect(logo.contentID == "image001.png@01DB43A2.5E2C1F30")
        #expect(logo.data.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(mail.date == ReceivedDate.parse("24 Nov 2026 09:13:58 +0000"))
    }

    @Test("Gmail and Apple Mail: the plain alternative is the text, the HTML kept, the photo named from RFC 2231")
    func gmailAndApple() throws {
        let gmail = try ReceivedCorpus.parse("gmail-alternative.eml")
        #expect(
            gmail.from == ReceivedAddress(name: "Gwenllïan ap Dafydd", address: "gwenllian.apdafydd@gmail.example.com"))
        #expect(gmail.subject == "Cwyn am ofal fy mam – complaint about my mother’s care")
        #expect(gmail.text.hasPrefix("Bore da,\n\nRwy’n ysgrifennu ynglŷn â gofal"))
        #expect(gmail.html?.hasPrefix("<div dir=\"ltr\">") == true)

        let apple = try ReceivedCorpus.parse("apple-inline-image.eml")
        #expect(apple.from?.name == "Declan Ó Súilleabháin")
        #expect(apple.html?.contains("cid:5E7C1A2B") == true)
        #expect(apple.attachments.map(\.filename) == ["Llythyr apwyntiad – Tachwedd.jpeg"])
        #expect(apple.attachments.first?.contentID == "5E7C1A2B-3C4D-4E5F-9A8B-7C6D5E4F3A2B")
    }

    @Test("Android: bare LF line ends, base64 UTF-8 text with an emoji, a photo named only by its type")
    func android() throws {
        let mail = try ReceivedCorpus.parse("android.eml")
        #expect(mail.text.hasSuffix("Please call me back 🙏\n\nSent from my Galaxy"))
        #expect(mail.attachments.map(\.filename) == ["20261126_072955.jpg"])
        #expect(mail.attachments.first?.contentType == "image/jpeg")
    }

    @Test("Irish name across two ISO-8859-1 words, a Windows-1252 subject, ISO-8859-15 text with a euro sign")
    func irish() throws {
        let mail = try ReceivedCorpus.parse("irish-latin9.eml")
        #expect(mail.from == ReceivedAddress(name: "Siân Ní Bhriain", address: "sian.nibhriain@eircom.example.ie"))
        #expect(mail.headers.first("from") == "Siân Ní Bhriain <sian.nibhriain@eircom.example.ie>")
        #expect(mail.subject == "Charged for an appointment card – is that right?")
        #expect(mail.text.contains("I was charged €45"))
        #expect(mail.text.contains("Siobhán"))
        #expect(mail.date == Date(timeIntervalSince1970: 1_795_773_900))
    }

    @Test("A forwarded complaint: the note, then the complainant's words in a Forwarded block; the PDF kept")
    func forwarded() throws {
        let mail = try ReceivedCorpus.parse("forwarded.eml")
        #expect(mail.text.hasPrefix("Dear colleagues,"))
        #expect(
            mail.text.contains(
                """
                ---------- Forwarded message ----------
                From: Eilidh MacLeod <eilidh.macleod@example.co.uk>
                Date: Fri, 20 Nov 2026 16:20:00 +0000
                Subject: Complaint about the Emergency Department
                To: Chief Executive <ceo@trust.example.nhs.uk>

                To whom it may concern,
                """))
        #expect(mail.text.contains("left on a trolley in a corridor for nine hours"))
        #expect(mail.attachments.map(\.filename) == ["timeline.pdf"])
        #expect(mail.attachments.first?.data.starts(with: Array("%PDF-1.4".utf8)) == true)
        #expect(mail.messageID == "ceo.office.9931@trust.example.nhs.uk")
    }

    @Test("An HTML-only newsletter: readable text with paragraphs, no script, style, comment or title")
    func newsletter() throws {
        let mail = try ReceivedCorpus.parse("newsletter-html-only.eml")
        #expect(mail.text.hasPrefix("November update\n\nDear member,\n\nOur report on hospital discharge is out — "))
        #expect(mail.text.contains("1,200 people told us & what happens next."))
        #expect(mail.text.contains("• Discharge letters <48 hours\n• Pharmacy waits"))
        #expect(mail.text.contains("Café meetings are back in Aberystwyth & Bangor. Cost: £0."))
        #expect(mail.text.hasSuffix("You are receiving this because you subscribed. Unsubscribe"))
        for hidden in ["dataLayer", "font-family", "hidden", "not text", "Healthwatch Example –"] {
            #expect(!mail.text.contains(hidden), "\(hidden)")
        }
        #expect(mail.headers.first("precedence") == "bulk")
    }

    @Test("An Exim bounce: one failed recipient, the diagnostic unfolded, the id of our returned message")
    func eximBounce() throws {
        let mail = try ReceivedCorpus.parse("exim-bounce.eml")
        let report = try #require(mail.deliveryReport)
        #expect(report.originalMessageID == "pals.2026-0388.3@trust.example.nhs.uk")
        #expect(report.recipients.count == 1)
        let recipient = try #require(report.recipients.first)
        #expect(recipient.finalRecipient == "tomos.jenkins@example.com")
        #expect(recipient.action == "failed")
        #expect(recipient.status == "5.1.1")
        #expect(
            recipient.diagnostic == "550 5.1.1 <tomos.jenkins@example.com>: Recipient address  rejected: User unknown")
        #expect(recipient.isPermanentFailure)
        #expect(mail.text.hasPrefix("This message was created automatically by mail delivery software."))
        #expect(!mail.text.contains("Dear Mr Jenkins"))
        #expect(mail.attachments.isEmpty)
        #expect(mail.headers.first("auto-submitted") == "auto-replied")
    }

    @Test("A Postfix bounce: a failed and a delayed recipient, the id from the returned headers")
    func postfixBounce() throws {
        let mail = try ReceivedCorpus.parse("postfix-bounce.eml")
        let report = try #require(mail.deliveryReport)
        #expect(report.originalMessageID == "pals.2026-0391.1@trust.example.nhs.uk")
        #expect(
            report.recipients.map(\.finalRecipient) == [
                "rhiannon.powell@example.org", "rhiannon.powell@work.example.org",
            ])
        #expect(report.recipients.map(\.action) == ["failed", "delayed"])
        #expect(report.recipients.map(\.status) == ["5.2.2", "4.4.1"])
        #expect(report.recipients.map(\.isPermanentFailure) == [true, false])
        #expect(report.recipients.first?.diagnostic == "552 5.2.2 Mailbox full")
        #expect(mail.from == ReceivedAddress(address: "MAILER-DAEMON@mx.trust.example.nhs.uk"))
    }

    @Test("Without the returned message, a bounce's id comes from Original-Envelope-Id")
    func envelopeID() throws {
        let mail = try ReceivedMailParser.parse(
            receivedMessage(
                "Content-Type: multipart/report; report-type=delivery-status; boundary=r", "", "--r", "",
                "Could not deliver.", "--r", "Content-Type: message/delivery-status", "",
                "Original-Envelope-Id: <pals.9@trust.example.nhs.uk>", "", "Final-Recipient: rfc822; a@example.org",
                "Action: failed", "Status: 5.0.0", "--r--"))
        #expect(mail.deliveryReport?.originalMessageID == "pals.9@trust.example.nhs.uk")
        #expect(mail.deliveryReport?.recipients.first?.diagnostic == nil)
        #expect(mail.text == "Could not deliver.")
    }

    @Test("An Outlook out-of-office: its automatic-reply headers and base64 text are there to see")
    func outOfOffice() throws {
        let mail = try ReceivedCorpus.parse("outlook-out-of-office.eml")
        #expect(mail.headers.first("Auto-Submitted") == "auto-replied")
        #expect(mail.headers.first("x-auto-response-suppress") == "All")
        #expect(mail.subject.hasPrefix("Automatic reply:"))
        #expect(mail.text.hasPrefix("I am out of the office until Monday 30 November"))
        #expect(mail.deliveryReport == nil)
    }

    @Test("Raw UTF-8 headers, an RFC 2231 file name in three pieces, and a Windows-1252 text attachment")
    func utf8Headers() throws {
        let mail = try ReceivedCorpus.parse("utf8-headers-rfc2231.eml")
        #expect(mail.from?.name == "Gwenllïan ap Dafydd")
        #expect(mail.to.first?.name == "Tîm PALS")
        #expect(mail.subject == "Llythyr cwyn – Ward Dewi Sant")
        #expect(mail.attachments.map(\.filename) == ["Llythyr cwyn – Gwenllïan ap Dafydd.pdf", "dyddiadur.txt"])
        #expect(mail.attachments.map(\.contentType) == ["application/pdf", "text/plain"])
        #expect(mail.attachments.last?.data.contains(0x93) == true)  // “ in Windows-1252, kept as sent
    }
}
