import Foundation
import Testing

@testable import Mail

@Suite("Received mail: transfer encodings, charsets, multiparts and text from HTML")
struct ReceivedMailBodyTests {
    @Test("Quoted-printable: escapes in either case, soft breaks with CRLF or LF, trailing spaces, stray '='")
    func quotedPrintable() {
        let decode = { (text: String) in
            String(
                decoding: ReceivedBodyDecoding.quotedPrintable(Array(text.utf8), underscoreIsSpace: false),
                as: UTF8.self)
        }
        #expect(decode("caf=C3=a9 =\r\nbach") == "café bach")
        #expect(decode("soft=  \nbreak") == "softbreak")
        #expect(decode("trailing   \r\nnext") == "trailing\r\nnext")
        #expect(decode("50% = half, =ZZ and =4") == "50% = half, =ZZ and =4")
        #expect(decode("ends with =") == "ends with ")
        #expect(decode("a_b") == "a_b")
    }

    @Test("Base64: long or short lines, junk characters, missing padding and concatenated chunks are read")
    func base64() {
        let decode = { (text: String) in String(decoding: ReceivedBodyDecoding.base64(Array(text.utf8)), as: UTF8.self)
        }
        #expect(decode("RGlvbGNo") == "Diolch")
        #expect(decode("RGlv\r\nbGNo\n") == "Diolch")
        #expect(decode("RG!lv*bG\u{7}No") == "Diolch")
        #expect(decode("RGlvbGNoIQ") == "Diolch!")
        #expect(decode("RGlvbA==Y2g=") == "Diolch")
        #expect(decode("") == "")
    }

    @Test(
        "Each supported charset decodes its characteristic byte to the same character Python's codec gives",
        arguments: [
            ("us-ascii", [0x41], "A"), ("UTF-8", [0xC5, 0xB5], "ŵ"), ("iso-8859-1", [0xE2], "â"),
            ("ISO-8859-2", [0xA3], "Ł"), ("iso-8859-3", [0xA1], "Ħ"), ("iso-8859-4", [0xA1], "Ą"),
            ("iso-8859-5", [0xD0], "а"), ("iso-8859-6", [0xC7], "ا"), ("iso-8859-7", [0xE1], "α"),
            ("iso-8859-8", [0xE0], "א"), ("iso-8859-9", [0xFD], "ı"), ("iso-8859-10", [0xBD], "―"),
            ("iso-8859-11", [0xA1], "ก"), ("iso-8859-13", [0xA1], "”"), ("iso-8859-14", [0xA1], "Ḃ"),
            ("iso-8859-15", [0xA4], "€"), ("latin9", [0xBC], "Œ"), ("ISO-8859-16", [0xA4], "€"),
            ("windows-1250", [0x8A], "Š"), ("windows-1251", [0xC0], "А"), ("Windows-1252", [0x92], "’"),
            ("cp1252", [0x80], "€"), ("windows-1253", [0xE1], "α"), ("windows-1254", [0xFD], "ı"),
            ("windows-1255", [0xE0], "א"), ("windows-1256", [0xC7], "ا"), ("windows-1257", [0xE0], "ą"),
            ("windows-1258", [0xC3], "Ă"), ("koi8-r", [0xC1], "а"), ("latin1", [0xA3], "£"),
        ] as [(String, [UInt8], String)])
    func charsets(charset: String, bytes: [UInt8], expected: String) {
        #expect(ReceivedCharsets.isKnown(charset))
        #expect(ReceivedCharsets.decode(bytes, charset: charset) == expected)
    }

    @Test(
        "Where Foundation on Linux reads a single-byte charset, it agrees with our table on every byte the charset defines",
        arguments: [
            (String.Encoding.isoLatin2, "iso-8859-2"), (.windowsCP1250, "windows-1250"),
            (.windowsCP1251, "windows-1251"), (.windowsCP1252, "windows-1252"), (.windowsCP1253, "windows-1253"),
            (.windowsCP1254, "windows-1254"),
        ] as [(String.Encoding, String)])
    func agreesWithFoundation(encoding: String.Encoding, charset: String) {
        var compared = 0
        for byte in UInt8(0x80)...UInt8(0xFF) {
            // Python (and our table) leave undefined bytes undefined (U+FFFD); Foundation passes them through as C1
            // controls and, for Windows-1253, reads 0xAA as "ª".
            guard ReceivedCharsets.decode([byte], charset: charset) != "\u{FFFD}" else { continue }
            guard let foundation = String(data: Data([byte]), encoding: encoding), foundation != "\u{FFFD}" else {
                continue
            }
            compared += 1
            #expect(ReceivedCharsets.decode([byte], charset: charset) == foundation, "\(charset) byte \(byte)")
        }
        #expect(compared > 0, "Foundation read no byte of \(charset)")
    }

    @Test("UTF-16 with a byte-order mark is read through Foundation")
    func utf16() {
        #expect(ReceivedCharsets.decode([0xFF, 0xFE, 0x41, 0x00, 0x75, 0x01], charset: "utf-16") == "Aŵ")
        #expect(ReceivedCharsets.decode([0x00, 0x41], charset: "UTF-16BE") == "A")
    }

    @Test("Invalid UTF-8 becomes U+FFFD; 8-bit text declared ASCII is read as UTF-8, else Windows-1252")
    func badBytes() {
        #expect(ReceivedCharsets.decode([0x61, 0xFF, 0x62], charset: "utf-8") == "a\u{FFFD}b")
        #expect(ReceivedCharsets.decode([0x63, 0x61, 0x66, 0xC3, 0xA9], charset: "us-ascii") == "café")
        #expect(ReceivedCharsets.decode([0x63, 0x61, 0x66, 0xE9], charset: "us-ascii") == "café")
        #expect(ReceivedCharsets.decode([0x61], charset: "x-unknown") == nil)
    }

    @Test("A body in an unknown charset is read as UTF-8 (else Windows-1252) and a note says so")
    func unknownBodyCharset() throws {
        let mail = try ReceivedMailParser.parse(
            receivedMessage("Content-Type: text/plain; charset=x-mac-welsh", "", "Diolch yn fawr"))
        #expect(mail.text == "Diolch yn fawr")
        #expect(mail.notes == [.unknownCharset("x-mac-welsh")])
    }

    @Test("Bare LF line ends work for headers, boundaries and bodies; CRLF in text becomes LF")
    func bareLF() throws {
        let message =
            "From: Ffion <f@example.net>\nContent-Type: multipart/mixed; boundary=b\n\n--b\n"
            + "Content-Type: text/plain\n\nline one\r\nline two\n--b--\n"
        let mail = try ReceivedMailParser.parse(Array(message.utf8))
        #expect(mail.from?.address == "f@example.net")
        #expect(mail.text == "line one\nline two")
    }

    @Test("A multipart without a boundary parameter is read as plain text, not lost")
    func missingBoundary() throws {
        let mail = try ReceivedMailParser.parse(receivedMessage("Content-Type: multipart/mixed", "", "Just text"))
        #expect(mail.text == "Just text")
    }

    @Test("A boundary that is a prefix of a longer line is not a boundary; preamble and epilogue are dropped")
    func boundaryPrefix() throws {
        let mail = try ReceivedMailParser.parse(
            receivedMessage(
                "Content-Type: multipart/mixed; boundary=\"b\"", "", "preamble", "--b", "", "first",
                "--bx not a boundary",
                "--b  ", "Content-Type: text/plain", "", "second", "--b--", "epilogue"))
        #expect(mail.text == "first\n--bx not a boundary\nsecond\n")
        #expect(mail.notes.isEmpty)
    }

    @Test("Text from HTML: tags stripped, entities decoded, paragraphs kept, script, style and comments dropped")
    func htmlText() {
        let html = """
            <html><head><title>T</title><style>p{color:red}</style><SCRIPT>alert("<p>x</p>")</SCRIPT></head>
            <body><p>Annwyl   Tîm,</p><p>Caf&eacute; &amp; shop&nbsp;closed &#8211; &#x2019;s &bogus; &lt;b&gt;</p>
            <!-- <p>hidden</p> --><div>Line one<br>Line two</div><ul><li>First</li><li>Second</li></ul>
            <table><tr><td>Ward</td><td>7</td></tr></table>a < b</body></html>
            """
        #expect(
            HTMLText.text(html) == """
                Annwyl Tîm,

                Café & shop closed – ’s &bogus; <b>

                Line one
                Line two

                • First
                • Second

                Ward 7

                a < b
                """)
    }

    @Test("HTML-only mail gets its text from the HTML and keeps the HTML")
    func htmlOnly() throws {
        let mail = try ReceivedMailParser.parse(
            receivedMessage("Content-Type: text/html; charset=utf-8", "", "<p>Bore da</p><p>Diolch</p>"))
        #expect(mail.text == "Bore da\n\nDiolch")
        #expect(mail.html == "<p>Bore da</p><p>Diolch</p>")
    }
}
