import Foundation
import Letters
import Testing

/// The default easy-read letters (Templates/easy-read) as golden files: what a person who needs easy read is sent.
@Suite("Easy-read letters match their golden files")
struct EasyReadSnapshotTests {
    static let library: LetterLibrary = try! LetterLibrary.load(
        from: Fixtures.templates.appendingPathComponent("easy-read"))

    @Test(
        "each easy-read letter matches its golden text and HTML",
        arguments: [LetterKind.acknowledgement, .update, .resolution, .concernResolution])
    func snapshot(kind: LetterKind) throws {
        var context = Fixtures.withInputs(Fixtures.context(), kind: kind)
        if kind == .update {
            context["inputs.progress"] = "We have read the notes of your visit."
            context["inputs.nextSteps"] = "We will talk to the ward manager."
        }
        let letter = try Self.library.merge(kind: kind, language: .english, context: context)
        Fixtures.assertSnapshot(letter.text, named: "easy-read-\(kind.rawValue)-en.txt")
        Fixtures.assertSnapshot(
            letter.html(HTMLRenderer(fontSize: 16, easyRead: true)), named: "easy-read-\(kind.rawValue)-en.html")
    }
}
