import Foundation
import Testing

@testable import Mail

/// Builds a message from lines joined by CRLF, so tests read like the mail they stand for.
func receivedMessage(_ lines: String...) -> [UInt8] {
    Array(lines.joined(separator: "\r\n").utf8)
}

@Suite("Received mail: headers, encoded words, parameters, addresses, ids and dates")
struct ReceivedMailHeaderTests {
    @Test("Folded header lines are unfolded, and lookup ignores the case of the name")
    func folding() throws {
        let mail = try ReceivedMailParser.parse(
            receivedMessage(
                "SUBJECT: A complaint about", "\tthe car park,", "  and the signs", "X-Empty:", "", "Body"))
        #expect(mail.subject == "A complaint about the car park,  and the signs")
        #expect(mail.headers.first("subject") == mail.subject)
        #expect(mail.headers.first("x-empty") == "")
        #expect(mail.headers.fields.map(\.name) == ["SUBJECT", "X-Empty"])
        #expect(mail.text == "Body")
    }

    @Test("Repeated fields keep their order, and all() returns each")
    func repeated() throws {
        let mail = try ReceivedMailParser.parse(
            receivedMessage("Received: one", "Received: two", "received: three", "", ""))
        #expect(mail.headers.all("RECEIVED") == ["one", "two", "three"])
        #expect(mail.headers.first("Missing") == nil)
        #expect(mail.subject == "")
    }

    @Test("RFC 2047 B and Q words decode, in any case, and whitespace between adjacent words is dropped")
    func encodedWords() {
        let decode = ReceivedHeaderDecoding.decodeEncodedWords
        #expect(decode("=?utf-8?B?U2nDom4gTsOtIEJocmlhaW4=?=") == "Siân Ní Bhriain")
        #expect(decode("=?UTF-8?q?Gwenll=C3=AFan_ap_Dafydd?=") == "Gwenllïan ap Dafydd")
        #expect(decode("=?iso-8859-1?Q?Si=E2n?=  \t =?iso-8859-1?Q?_N=ED?=") == "Siân Ní")
        #expect(decode("Re: =?utf-8?Q?caf=C3=A9?= visit") == "Re: café visit")
        #expect(decode("=?utf-8?Q?a?= b =?utf-8?Q?c?=") == "a b c")
    }

    @Test("A character split across two encoded words survives")
    func splitCharacter() {
        // "ŷ" is C5 B7 in UTF-8; each word carries one byte.
        #expect(ReceivedHeaderDecoding.decodeEncodedWords("=?utf-8?Q?yngl=C5?= =?utf-8?Q?=B7n?=") == "ynglŷn")
    }

    @Test("A word in an unknown charset, or with a broken encoding, is kept as written")
    func unknownCharset() {
        let decode = ReceivedHeaderDecoding.decodeEncodedWords
        #expect(decode("=?x-klingon?Q?tlhIngan?= Hol") == "=?x-klingon?Q?tlhIngan?= Hol")
        #expect(decode("=?utf-8?X?abc?=") == "=?utf-8?X?abc?=")
        #expect(decode("=?utf-8?Q?never closed") == "=?utf-8?Q?never closed")
        #expect(decode("=?utf-8*cy?Q?Diolch?=") == "Diolch")
    }

    @Test("RFC 2231 continuations, charset'lang' and percent escapes build one parameter; RFC 2047 in a name too")
    func parameters() {
        let parsed = ReceivedHeaderDecoding.valueAndParameters(
            "Attachment; filename*0*=utf-8'cy'Llythyr%20%E2%80%93%20; filename*1=\"Gwenll\"; filename*2*=%C3%AFan.pdf"
        )
        #expect(parsed.value == "attachment")
        #expect(parsed.parameters["filename"] == "Llythyr – Gwenllïan.pdf")
        let latin = ReceivedHeaderDecoding.valueAndParameters("inline; FILENAME*=iso-8859-1''Si%E2n.txt")
        #expect(latin.parameters["filename"] == "Siân.txt")
        let outlook = ReceivedHeaderDecoding.valueAndParameters(
            "application/pdf; name=\"=?utf-8?B?Q3d5bi5wZGY=?=\"; x=\"a;b\\\"c\"")
        #expect(outlook.value == "application/pdf")
        #expect(outlook.parameters["name"] == "Cwyn.pdf")
        #expect(outlook.parameters["x"] == "a;b\"c")
    }

    @Test("Address lists: quoted names with commas and escapes, encoded names, comments, groups, bare addresses")
    func addresses() throws {
        let mail = try ReceivedMailParser.parse(
            receivedMessage(
                "From: \"O'Brien, Pat \\\"Paddy\\\"\" <pat.obrien@example.ie>",
                "Reply-To: =?utf-8?Q?Si=C3=A2n?= =?utf-8?Q?_N=C3=AD_Bhriain?= <sian@example.ie>",
                "To: undisclosed-recipients:;, pals@trust.example.nhs.uk (PALS team),",
                " Tîm Cwynion <cwynion@example.cymru>, <@relay.example:route@example.org>",
                "", ""))
        #expect(mail.from == ReceivedAddress(name: "O'Brien, Pat \"Paddy\"", address: "pat.obrien@example.ie"))
        #expect(mail.replyTo == ReceivedAddress(name: "Siân Ní Bhriain", address: "sian@example.ie"))
        #expect(
            mail.to == [
                ReceivedAddress(address: "pals@trust.example.nhs.uk"),
                ReceivedAddress(name: "Tîm Cwynion", address: "cwynion@example.cymru"),
                ReceivedAddress(address: "route@example.org"),
            ])
        #expect(mail.headers.first("reply-to") == "Siân Ní Bhriain <sian@example.ie>")
    }

    @Test("Message ids lose their angle brackets; ids written without brackets are still found")
    func messageIDs() throws {
        let mail = try ReceivedMailParser.parse(
            receivedMessage(
                "Message-ID: (comment) <a.1@example.org>",
                "In-Reply-To: <pals.1@trust.example.nhs.uk> (sent by PALS)",
                "References: <r.1@example.org>", "\t<r.2@example.org><r.3@example.org>", "", ""))
        #expect(mail.messageID == "a.1@example.org")
        #expect(mail.inReplyTo == ["pals.1@trust.example.nhs.uk"])
        #expect(mail.references == ["r.1@example.org", "r.2@example.org", "r.3@example.org"])
        #expect(ReceivedHeaderDecoding.messageIDs("bare.id@example.org") == ["bare.id@example.org"])
        #expect(ReceivedHeaderDecoding.messageIDs("") == [])
    }

    @Test("Dates in RFC 5322 and obsolete forms; nonsense is nil")
    func dates() {
        let expected = Date(timeIntervalSince1970: 1_795_702_472)  // 2026-11-26 14:14:32 UTC
        #expect(ReceivedDate.parse("Thu, 26 Nov 2026 14:14:32 +0000") == expected)
        #expect(ReceivedDate.parse("26 Nov 2026 15:14:32 +0100 (CET)") == expected)
        #expect(ReceivedDate.parse("Thu, 26 Nov 26 09:14:32 EST") == expected)
        #expect(ReceivedDate.parse("Thu,26 Nov 2026 14:14:32 GMT") == expected)
        #expect(ReceivedDate.parse("yesterday") == nil)
        #expect(ReceivedDate.parse("32 Nov 2026 14:14:32 +0000") == nil)
        #expect(ReceivedDate.parse("26 Nov 2026 25:14:32 +0000") == nil)
    }

    @Test("8-bit header bytes are read as UTF-8, else as Windows-1252; control characters and NUL are dropped")
    func eightBitHeaders() throws {
        var bytes = Array("From: Gwenllïan ap Dafydd <g@example.cymru>\r\nSubject: caf".utf8)
        bytes += [0xE9, 0x00, 0x07, 0x20, 0x93, 0x71, 0x94]  // "café" in Latin-1, NUL, BEL, “q”
        bytes += Array("\r\n\r\nBody".utf8)
        let mail = try ReceivedMailParser.parse(bytes)
        #expect(mail.from == ReceivedAddress(name: "Gwenllïan ap Dafydd", address: "g@example.cymru"))
        #expect(mail.subject == "café “q”")
    }
}
