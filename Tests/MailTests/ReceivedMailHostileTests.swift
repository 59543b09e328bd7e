import Foundation
import PalsTestKit
import Testing

@testable import Mail

@Suite("Received mail: hostile and careless input ends in a clear error or a safe result")
struct ReceivedMailHostileTests {
    @Test("10,000 nested multiparts: the parts past the depth limit are left out with a note, no crash")
    func deepMultipart() async throws {
        var message = "Subject: deep\r\n"
        for level in 0..<10_000 {
            message += "Content-Type: multipart/mixed; boundary=\"b\(level)\"\r\n\r\n--b\(level)\r\n"
        }
        message += "Content-Type: text/plain\r\n\r\nbottom\r\n"
        let bytes = Array(message.utf8)
        let mail = try await offPool { try ReceivedMailParser.parse(bytes) }
        #expect(mail.subject == "deep")
        #expect(mail.text == "")
        #expect(mail.notes.contains(.nestedTooDeep(limit: 10)))
    }

    @Test("10,000 nested forwarded messages: the same, a note and no crash")
    func deepForwarded() async throws {
        let message = String(repeating: "Content-Type: message/rfc822\r\n\r\n", count: 10_000) + "Subject: x\r\n\r\nhi"
        let bytes = Array(message.utf8)
        let mail = try await offPool { try ReceivedMailParser.parse(bytes) }
        #expect(mail.notes.contains(.nestedTooDeep(limit: 10)))
    }

    @Test("A boundary that never closes: the parts are read to the end, with a note")
    func unclosedBoundary() throws {
        let mail = try ReceivedMailParser.parse(
            receivedMessage(
                "Content-Type: multipart/mixed; boundary=never", "", "--never", "Content-Type: text/plain", "",
                "Please help", "--never", "Content-Type: application/pdf; name=a.pdf",
                "Content-Transfer-Encoding: base64", "", "JVBERi0x"))
        #expect(mail.text == "Please help")
        #expect(mail.attachments.map(\.filename) == ["a.pdf"])
        #expect(mail.attachments.first?.data == Array("%PDF-1".utf8))
        #expect(mail.notes == [.unclosedMultipart])
    }

    @Test("A 1 GB size claimed in headers is ignored: only the bytes present are read")
    func sizeClaim() throws {
        let mail = try ReceivedMailParser.parse(
            receivedMessage(
                "Content-Length: 1073741824", "Content-Type: multipart/mixed; boundary=z", "", "--z",
                "Content-Type: application/octet-stream; name=big.bin",
                "Content-Disposition: attachment; filename=big.bin; size=1073741824", "", "tiny", "--z--"))
        #expect(mail.attachments.map(\.data) == [Array("tiny".utf8)])
    }

    @Test("A header section that never ends past 1 MiB is refused as malformed, naming no content")
    func endlessHeader() throws {
        let bytes = Array(("Subject: " + String(repeating: "a", count: 1_100_000)).utf8)
        let error = try #require(#expect(throws: MailError.self) { try ReceivedMailParser.parse(bytes) })
        #expect(error.code == .malformedMessage)
        #expect(!error.description.contains("aaaa"))
        #expect(error.errorDescription?.contains("aaaa") == false)
    }

    @Test("A message over the size limit is refused whole with messageTooLarge")
    func tooLarge() throws {
        let limits = ReceivedMailLimits(maxMessageBytes: 1024)
        let error = try #require(
            #expect(throws: MailError.self) {
                try ReceivedMailParser.parse([UInt8](repeating: 0x41, count: 2048), limits: limits)
            })
        #expect(error.code == .messageTooLarge)
        #expect(error.reason == "the message is 2 KiB; messages up to 1 KiB can be read")
    }

    @Test("NUL bytes in headers and text are dropped; in an attachment they are kept")
    func nulBytes() throws {
        var bytes = Array("Subject: a\u{0}b\r\nContent-Type: multipart/mixed; boundary=n\r\n\r\n--n\r\n\r\nte".utf8)
        bytes += [0, 0] + Array("xt\r\n--n\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        bytes += [1, 0, 2] + Array("\r\n--n--\r\n".utf8)
        let mail = try ReceivedMailParser.parse(bytes)
        #expect(mail.subject == "ab")
        #expect(mail.text == "text")
        #expect(mail.attachments.first?.data == [1, 0, 2])
    }

    @Test(
        "File names lose paths, control and direction characters, leading dots; nothing usable means no name",
        arguments: [
            ("../../etc/passwd", "passwd"), ("..\\..\\Windows\\system.ini", "system.ini"),
            ("C:\\Users\\pat\\cwyn.pdf", "cwyn.pdf"), ("report\r\nBcc: x.pdf", "reportBcc_ x.pdf"),
            ("invoice\u{202E}fdp.exe", "invoicefdp.exe"), ("..", nil), ("/", nil), (" \u{7}\u{0} ", nil),
            (".bashrc", "bashrc"), ("Llythyr – Siân.pdf", "Llythyr – Siân.pdf"),
        ] as [(String, String?)])
    func filenames(raw: String, expected: String?) {
        #expect(ReceivedFilename.sanitised(raw) == expected)
    }

    @Test("A hostile file name in a real message arrives sanitised")
    func hostileFilenameInMessage() throws {
        let mail = try ReceivedMailParser.parse(
            receivedMessage(
                "Content-Type: multipart/mixed; boundary=h", "", "--h",
                "Content-Disposition: attachment; filename=\"../../etc/passwd\"", "", "root:x:0:0", "--h",
                "Content-Disposition: attachment; filename*=utf-8''%0D%0A..%2F%1B%5B31mred.txt", "", "x", "--h--"))
        #expect(mail.attachments.map(\.filename) == ["passwd", "[31mred.txt"])
        #expect(mail.attachments.map(\.contentType) == ["text/plain", "text/plain"])
    }

    @Test("A very long file name is cut to 255 bytes and keeps its extension")
    func longFilename() throws {
        let name = try #require(ReceivedFilename.sanitised(String(repeating: "ŵ", count: 300) + ".pdf"))
        #expect(name.utf8.count <= 255)
        #expect(name.hasSuffix("ŵ.pdf"))
    }

    @Test("Parts past the part limit are left out with a note")
    func tooManyParts() throws {
        var lines = ["Content-Type: multipart/mixed; boundary=p", ""]
        for index in 0..<300 { lines += ["--p", "Content-Type: application/octet-stream; name=\(index).bin", "", "x"] }
        lines.append("--p--")
        let mail = try ReceivedMailParser.parse(Array(lines.joined(separator: "\r\n").utf8))
        #expect(mail.attachments.count == 199)  // the multipart itself is the first of 200 parts
        #expect(mail.notes == [.tooManyParts(limit: 200)])
    }

    @Test("A 20 MB attachment is kept whole; one over the cap is left out with a note and the text kept")
    func bigAttachment() async throws {
        let size = 20 * 1_000_000
        let message: [UInt8] = await offPoolWait {
            let block = (0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
            var bytes: [UInt8] = []
            while bytes.count < size { bytes += block }
            let data = Data(bytes.prefix(size))
            let base64 = data.base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn])
            return receivedMessage(
                "From: Ffion Hughes <ffion.hughes@mail.example.net>",
                "Content-Type: multipart/mixed; boundary=big", "", "--big", "Content-Type: text/plain", "",
                "The scans are attached.", "--big", "Content-Type: application/pdf; name=\"scans.pdf\"",
                "Content-Transfer-Encoding: base64", "", base64, "--big--")
        }
        let kept = try await offPool { try ReceivedMailParser.parse(message) }
        #expect(kept.attachments.first?.data.count == size)
        #expect(kept.attachments.first?.data.prefix(3) == [0, 31, 62])
        #expect(kept.notes.isEmpty)

        let capped = try await offPool {
            try ReceivedMailParser.parse(message, limits: ReceivedMailLimits(maxAttachmentBytes: 10 * 1_048_576))
        }
        #expect(capped.text == "The scans are attached.")
        #expect(capped.attachments.isEmpty)
        #expect(capped.notes == [.attachmentTooLarge(filename: "scans.pdf", bytes: size)])
        #expect(capped.notes.first?.description.contains("“scans.pdf” (20 MB) was too large") == true)
        #expect(capped.notes.first?.logDescription.contains("scans") == false)
    }

    @Test("Random bytes never crash the parser")
    func randomBytes() throws {
        var generator = SplitMix(seed: 2026)
        for _ in 0..<300 {
            let length = Int(generator.next() % 600)
            let alphabet = Array("=?Q B-\r\n:;\"<>@boundary=--multipart/mixed;\\%'*0".utf8)
            let bytes = (0..<length).map { _ in
                let roll = generator.next()
                return roll % 4 == 0 ? UInt8(truncatingIfNeeded: roll >> 8) : alphabet[Int(roll >> 8) % alphabet.count]
            }
            _ = try ReceivedMailParser.parse(Array("Content-Type: multipart/mixed; boundary=--\r\n\r\n".utf8) + bytes)
            _ = try ReceivedMailParser.parse(bytes)
        }
    }
}

/// A small deterministic generator, so a failing random input can be reproduced.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
