import Foundation
import Letters
import Testing

/// Issue 11 item 17: a holding letter sent before its old date does not say the date was missed.
@Suite struct HoldingWordingTests {
    @Test("a holding letter says the date was missed only when it has passed", arguments: LetterLanguage.allCases)
    func holdingWording(_ language: LetterLanguage) throws {
        let past = language == .english ? "we have not been able to finish" : "nad ydym wedi gallu gorffen"
        let ahead = language == .english ? "we will not be able to finish" : "na fyddwn yn gallu gorffen"
        for passed in [true, false] {
            var context = Fixtures.withInputs(
                Fixtures.context(.wales, language: language), kind: .holding, language: language)
            context["deadlines.respondByHasPassed"] = .bool(passed)
            let text = try Fixtures.library.merge(kind: .holding, language: language, context: context).text
            let flat = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(flat.contains(passed ? past : ahead), "\(flat)")
            #expect(!flat.contains(passed ? ahead : past))
        }
    }
}
