import Foundation
import Letters
import Testing

@Suite struct ContextAndDateTests {
    @Test("dates are written out in English and Welsh on London's calendar")
    func dates() throws {
        let formatter = LetterDateFormatter()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        // 23:30 UTC on 24 June is already 25 June in London (BST); in November it is not.
        let summer = try #require(
            calendar.date(from: DateComponents(year: 2026, month: 6, day: 24, hour: 23, minute: 30)))
        let winter = try #require(
            calendar.date(from: DateComponents(year: 2026, month: 11, day: 25, hour: 23, minute: 30)))
        #expect(formatter.string(from: summer, language: .english) == "25 June 2026")
        #expect(formatter.string(from: winter, language: .english) == "25 November 2026")
        #expect(formatter.string(from: winter, language: .welsh) == "25 Tachwedd 2026")
        let welsh = (1...12).map { LetterDateFormatter.string(year: 2027, month: $0, day: 1, language: .welsh) }
        #expect(
            welsh
                == [
                    "Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst", "Medi", "Hydref",
                    "Tachwedd", "Rhagfyr",
                ].map { "1 \($0) 2027" })
    }

    @Test("a context is built and read by dotted path, and nil removes")
    func context() {
        var context = MergeContext()
        context["recipient.salutation"] = "Ms Jones"
        context["recipient.addressLines"] = ["1 Example Road"]
        context["hasPatient"] = false
        #expect(context["recipient.salutation"] == "Ms Jones")
        #expect(context["recipient"]?["addressLines"] == ["1 Example Road"])
        context["recipient.salutation"] = nil
        #expect(context["recipient.salutation"] == nil)
        #expect(context["recipient.addressLines"] != nil)
        #expect(context["no.such.path"] == nil)
        let literal: MergeContext = ["case.reference": "PALS-2026-0001", "case.stage": "1"]
        #expect(literal.root["case"] == ["reference": "PALS-2026-0001", "stage": "1"])
    }

    @Test("text wraps at 72 columns with hanging indents for list items")
    func wrapping() {
        let document = LetterDocument(
            language: .english, title: "t",
            blocks: [.paragraph(String(repeating: "word ", count: 40)), .list([String(repeating: "item ", count: 30)])])
        let text = TextRenderer().render(document)
        let lines = text.split(separator: "\n")
        #expect(lines.allSatisfy { $0.count <= 72 })
        #expect(lines.contains { $0.hasPrefix("- item") })
        #expect(lines.contains { $0.hasPrefix("  item") })
    }
}
