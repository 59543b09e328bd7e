import Foundation
import PalsTestKit
import Testing

@testable import Mail

@Suite("Messages received by aiosmtpd and read by Python's email parser (needs python3-aiosmtpd)")
struct ReceivedMessageAiosmtpdTests {
    @Test("Welsh and Irish names, awkward names, a long non-ASCII subject, text, HTML and a PDF all arrive as sent")
    func welshLetter() async throws {
        try await withSMTPServer { server in
            var pdf = Data("%PDF-1.7\n".utf8)
            pdf.append(contentsOf: (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7919) })
            let message = Fixture.welshMessage(
                attachments: [MailAttachment(filename: "Llythyr ymateb – Siân.pdf", data: pdf)])
            let composed = try message.composed(date: Fixture.date, messageID: Fixture.fixedID)
            let transport = try CurlSMTPTransport(configuration: loopback(server))
            let results = await transport.deliver(composed.outgoing())
            #expect(results.map(\.outcome.isDelivered) == [true, true])

            let received = try server.messages()
            #expect(received.map(\.rcptTos) == [["sian@example.org"], ["pat@example.org"]])
            for item in received {
                #expect(item.data == composed.data)
                Fixture.checkLines(item.data)
            }

            let parts = try makeTemporaryFolder()
            defer { try? FileManager.default.removeItem(at: parts) }
            let parsed = try await ParsedMessage.parse(server.messagePath(1), attachments: parts)
            #expect(parsed.defects.isEmpty, "\(parsed.defects)")
            #expect(
                parsed.from == [
                    .init(displayName: "Gwenllïan ap Rhys", addrSpec: "complaints@bwrdd-iechyd.example.org")
                ])
            #expect(
                parsed.to == [
                    .init(displayName: "Siân Ó Dálaigh", addrSpec: "sian@example.org"),
                    .init(displayName: "O'Brien, \"Pat\" \\ Jr", addrSpec: "pat@example.org"),
                ])
            #expect(parsed.replyTo.first?.displayName == "Tîm Cwynion")
            #expect(parsed.headers["subject"] == [Fixture.longSubject])
            #expect(Fixture.longSubject.count > 200)
            #expect(parsed.headers["auto-submitted"] == ["auto-replied"])
            #expect(parsed.headers["message-id"] == ["<fixed.0001@bwrdd-iechyd.example.org>"])
            #expect(parsed.headers["mime-version"] == ["1.0"])

            let text = try #require(parsed.parts.first { $0.contentType == "text/plain" })
            let html = try #require(parsed.parts.first { $0.contentType == "text/html" })
            #expect(text.text == message.text)
            #expect(html.text == message.html)
            #expect(text.charset == "utf-8" && text.transferEncoding == "quoted-printable")
            let attachment = try #require(parsed.parts.first { $0.contentType == "application/pdf" })
            #expect(attachment.filename == "Llythyr ymateb – Siân.pdf")
            #expect(attachment.transferEncoding == "base64")
            #expect(try Data(contentsOf: URL(fileURLWithPath: try #require(attachment.savedAs))) == pdf)
        }
    }

    @Test("CR/LF + Bcc in subject, display name and file name is inert; a forged address is refused before sending")
    func injectionEndToEnd() async throws {
        try await withSMTPServer { server in
            let attack = "\r\nBcc: evil@example.org"
            let message = MailMessage(
                from: Fixture.mailbox("PALS\(attack)", "pals@trust.example.org"),
                to: [Fixture.mailbox("Siân\(attack)", "sian@example.org")],
                subject: "PALS-2026-0042\(attack)", text: "Body\(attack)\n",
                attachments: [MailAttachment(filename: "letter\(attack).pdf", data: Data("%PDF".utf8))])
            let composed = try message.composed(date: Fixture.date)
            let results = await (try CurlSMTPTransport(configuration: loopback(server))).deliver(composed.outgoing())
            #expect(results.count == 1 && results[0].outcome.isDelivered)
            #expect(server.rcptAddresses == ["sian@example.org"], "no extra recipient reached the server")

            let parsed = try await ParsedMessage.parse(server.messagePath(1))
            #expect(parsed.headers["bcc"] == nil)
            #expect(parsed.defects.isEmpty, "\(parsed.defects)")
            #expect(parsed.headers["subject"] == ["PALS-2026-0042 Bcc: evil@example.org"])
            #expect(parsed.to.map(\.addrSpec) == ["sian@example.org"])
            #expect(parsed.parts.last?.filename == "letter Bcc: evil@example.org.pdf")

            #expect(throws: MailError.self) {
                _ = try Envelope(
                    sender: EmailAddress("pals@trust.example.org"),
                    recipient: EmailAddress("sian@example.org>\r\nRCPT TO:<evil@example.org"))
            }
        }
    }
}
