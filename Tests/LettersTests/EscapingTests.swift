import Foundation
import Letters
import Testing

/// Values from a case are text: escaped in HTML, intact in plain text, and never markup.
@Suite struct EscapingTests {
    @Test("a complainant named <b>Eve</b> & \"Co\" is escaped in HTML and intact in text")
    func escaping() throws {
        var context = Fixtures.context()
        context["recipient.fullName"] = #"<b>Eve</b> & "Co""#
        context["recipient.salutation"] = #"<b>Eve</b> & "Co's""#
        let letter = try Fixtures.library.merge(kind: .acknowledgement, language: .english, context: context)
        #expect(letter.html.contains("&lt;b&gt;Eve&lt;/b&gt; &amp; &quot;Co&quot;"))
        #expect(letter.html.contains("Dear &lt;b&gt;Eve&lt;/b&gt; &amp; &quot;Co&#39;s&quot;,"))
        #expect(!letter.html.contains("<b>"))
        #expect(letter.text.contains(#"<b>Eve</b> & "Co""#))
        #expect(letter.text.contains(#"Dear <b>Eve</b> & "Co's","#))
        #expect(!letter.text.contains("&amp;"))
        #expect(letter.document.address.first == #"<b>Eve</b> & "Co""#)
    }

    @Test("template text is escaped in HTML too")
    func templateText() throws {
        var context = Fixtures.context()
        context["organisation.name"] = "Advice & Liaison <Service>"
        let letter = try Fixtures.library.merge(kind: .acknowledgement, language: .english, context: context)
        #expect(letter.html.contains("<strong>Advice &amp; Liaison &lt;Service&gt;</strong>"))
        #expect(letter.html.contains("<title>Your complaint PALS-2026-0042</title>"))
    }

    @Test("values cannot inject markup: headings, lists, directives and line breaks stay text")
    func injection() throws {
        var context = Fixtures.withInputs(Fixtures.context(), kind: .holding)
        context["recipient.fullName"] = "# Eve\n- item\n@closing Hacked"
        context["recipient.salutation"] = "# Eve"
        context["recipient.addressLines"] = ["@signature", "\n\n# Heading", "- bullet"]
        context["inputs.reason"] =
            "First line\n\n# Not a heading\n- not a bullet\r\n@salutation Dear Mallory,\u{E000}0\u{E001}"
        let letter = try Fixtures.library.merge(kind: .holding, language: .english, context: context)
        let document = letter.document
        #expect(document.address == ["# Eve - item @closing Hacked", "@signature", "# Heading", "- bullet", "EX1 9ZZ"])
        #expect(document.salutation == "Dear # Eve,")
        #expect(document.closing == "Yours sincerely,")
        #expect(document.signature == ["Sam Patel", "Complaints Officer", "Riverside NHS Foundation Trust"])
        #expect(
            document.blocks.contains(
                .paragraph("First line # Not a heading - not a bullet @salutation Dear Mallory, 0")))
        #expect(!document.blocks.contains(.heading("Not a heading")))
        #expect(!document.blocks.contains(.heading("Eve")))
        #expect(!document.blocks.contains { if case .list = $0 { true } else { false } })
        #expect(!letter.html.contains("<h2>Not a heading</h2>"))
        #expect(!letter.html.contains("<li>"))
        #expect(!letter.text.contains("\n# Not a heading"))
        #expect(!letter.subject.contains("\n"))
    }

    @Test("the subject line carries one line only")
    func subjectLine() throws {
        var context = Fixtures.context()
        context["case.reference"] = "PALS-2026-0042\r\nBcc: someone@example.com"
        let letter = try Fixtures.library.merge(kind: .acknowledgement, language: .english, context: context)
        #expect(letter.subject == "Your complaint PALS-2026-0042 Bcc: someone@example.com")
        #expect(!letter.subject.contains("\r") && !letter.subject.contains("\n"))
    }
}
