import Casework
import Engine
import Foundation
import Letters
import Primitives
import Testing
import Web

/// The pages as pure functions: escaping, labels beside colours, error summaries and CSRF fields.
@Suite("The web app's pages, rendered without a server")
struct AppPagesTests {
    let viewer = PageViewer(name: "alex", isManager: false, csrfToken: "token-123")

    @Test("interpolated text is escaped: a hostile value never becomes markup")
    func escaping() {
        let hostile = "<script>alert(1)</script>\" onmouseover=\"x' &amp;\u{1B}[2J"
        let html: HTML = "<p title=\"\(hostile)\">\(hostile)</p>"
        #expect(!html.text.contains("<script>"))
        #expect(!html.text.contains("\" onmouseover"))
        #expect(!html.text.contains("\u{1B}"))
        #expect(html.text.contains("&lt;script&gt;") && html.text.contains("&amp;amp;"))
    }

    @Test("the board gives every colour a word, and overdue comes first")
    func boardLabels() {
        // DueItem has no public initialiser: made as the board's JSON is read.
        func item(_ reference: String, _ due: String, _ state: DeadlineStatus.Colour) -> DueItem {
            let json = """
                {"reference": "\(reference)", "officer": "alex", "profile": "england", "deadline": "response",
                 "due": "\(due)", "workingDaysRemaining": 3, "state": "\(state.rawValue)"}
                """
            return try! JSONDecoder().decode(DueItem.self, from: Data(json.utf8))
        }
        let board = DeadlineBoard(
            items: [
                item("PALS-2026-0001", "2026-11-20", .red), item("PALS-2026-0002", "2026-11-26", .amber),
                item("PALS-2026-0003", "2026-12-20", .green),
            ], problems: [])
        let page = AppPages.board(board, viewer: viewer, officers: [("alex", "Alex Example")], officer: nil).text
        for word in ["Overdue", "Due soon", "On track"] { #expect(page.contains(word)) }
        let first = page.range(of: "PALS-2026-0001")!.lowerBound
        #expect(first < page.range(of: "PALS-2026-0002")!.lowerBound)
        #expect(page.contains("<caption"))
        #expect(page.contains("href=\"#main-content\""))
    }

    @Test("every post form carries the session's CSRF token")
    func everyFormHasToken() {
        let pages = [
            AppPages.newCase(
                NewCaseForm(), problems: [], officers: [("alex", "Alex")], complexities: [], viewer: viewer),
            AppPages.outbox([], notice: nil, viewer: viewer),
            AppPages.preview(
                reference: "PALS-2026-0001", kind: "acknowledgement", subject: "Your complaint PALS-2026-0001",
                recipient: "someone", draftID: "d", viewer: viewer),
        ]
        for page in pages {
            let forms = page.text.components(separatedBy: "<form").dropFirst()
            for form in forms where form.contains("method=\"post\"") {
                let body = form.components(separatedBy: "</form>")[0]
                #expect(body.contains("name=\"csrfToken\" value=\"token-123\""), "\(body.prefix(200))")
            }
        }
    }

    @Test("a form's errors are summarised at the top, each linking to its field, with the message beside it")
    func errorSummary() {
        let problems = [FieldMessage(fieldID: "complainant-email", message: "The email address is not valid")]
        let page = AppPages.newCase(
            NewCaseForm(values: ["complainant.email": "nope"]), problems: problems, officers: [], complexities: [],
            viewer: viewer
        ).text
        #expect(page.contains("<title>Error: "))
        #expect(page.contains("<a href=\"#complainant-email\">The email address is not valid</a>"))
        #expect(page.contains("id=\"complainant-email-error\""))
        #expect(page.contains("aria-describedby=\"complainant-email-error\""))
        #expect(page.contains("value=\"nope\""))
    }

    @Test("the form's own checks: control characters, line breaks in a one-line field, over-long text")
    func formChecks() {
        let form = NewCaseForm(values: [
            "complainant.firstName": "Eira\u{7}", "service": "A\nB", "summary": String(repeating: "x", count: 20_001),
            "complainant.address": "1 Invented Street\r\nExampleton",
        ])
        let fields = Set(form.problems().map(\.fieldID))
        #expect(fields == ["complainant-firstName", "service", "summary"])
    }

    @Test("the form becomes the case JSON of pals case new: blanks left out, the address in lines")
    func formJSON() throws {
        let form = NewCaseForm(values: [
            "complainant.firstName": " Eira ", "complainant.lastName": "Example", "complainant.title": "",
            "complainant.address": "1 Invented Street\n\nExampleton\n", "officer": "alex", "consent": "received",
        ])
        let object = try #require(try JSONSerialization.jsonObject(with: form.json()) as? [String: Any])
        let person = try #require(object["complainant"] as? [String: Any])
        #expect(person["firstName"] as? String == "Eira")
        #expect(person["title"] == nil)
        #expect(person["address"] as? [String] == ["1 Invented Street", "Exampleton"])
        #expect(object["consent"] == nil, "consent without a patient would be refused by the case rules")
    }
}
