import Casework
import Foundation
import Testing

@Suite("Checking a new case")
struct CaseFormTests {
    func problems(_ data: Data) -> [String] {
        do {
            _ = try CaseForm.parse(json: data, rules: rules)
            return []
        } catch {
            return error.problems.map(\.field)
        }
    }

    @Test("a valid complaint passes, with defaults filled in")
    func valid() throws {
        let form = try CaseForm.parse(json: complaintJSON(), rules: rules)
        #expect(form.profile == .england)
        #expect(form.consent == .notNeeded)
        #expect(form.complainant.language == .en)
        #expect(form.stage == nil)
    }

    @Test("malformed JSON is refused with the parser's reason")
    func malformed() {
        #expect(problems(Data("{\"channel\": ".utf8)) == ["(file)"])
        #expect(problems(Data("[1, 2]".utf8)) == ["(file)"])
    }

    @Test(
        "each bad-input class names its field",
        arguments: [
            (["colour": "blue"], "colour"),
            (["complainant": ["lastName": "Example", "email": "e@example.org"]], "complainant.firstName"),
            (
                ["complainant": ["firstName": "  ", "lastName": "Example", "email": "e@example.org"]],
                "complainant.firstName"
            ),
            (
                ["complainant": ["firstName": "Eira", "lastName": "Example", "email": "eira@@example"]],
                "complainant.email"
            ),
            (["received": "2026-02-30"], "received"),
            (["agreedResponseDate": "next week"], "agreedResponseDate"),
            (["officer": "nobody"], "officer"),
            (["profile": "atlantis"], "profile"),
            (["channel": "pigeon"], "channel"),
            (["channel": "  "], "channel"),
            (["stage": 3, "profile": "scotland"], "stage"),
            (["consent": "requested"], "consent"),
            (
                ["complainant": ["firstName": "Eira", "lastName": "Example", "preferredContact": "post"]],
                "complainant.address"
            ),
        ] as [([String: any Sendable], String)])
    func badInput(change: [String: any Sendable], field: String) {
        #expect(problems(complaintJSON(change)).contains(field))
    }

    @Test("every problem is listed at once")
    func allProblemsAtOnce() {
        let data = complaintJSON(["officer": "nobody", "profile": "atlantis", "summary": "", "colour": "blue"])
        #expect(Set(problems(data)) == ["officer", "profile", "summary", "colour"])
    }

    @Test("the error message names the field but never echoes personal values")
    func messageHidesPersonalData() {
        let data = complaintJSON(["complainant": ["firstName": "Eira", "lastName": "Example", "email": "secret-eira@"]])
        do {
            _ = try CaseForm.parse(json: data, rules: rules)
            Issue.record("expected a problem")
        } catch {
            let message = error.errorDescription ?? ""
            #expect(message.contains("complainant.email"))
            #expect(!message.contains("secret-eira"))
        }
    }
}
