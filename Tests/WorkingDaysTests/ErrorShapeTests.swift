import Foundation
import Testing
import WorkingDays

/// Holiday data errors have the one shape: a code to match and a one-line log form.
@Suite struct HolidayDataErrorShape {
    @Test func theLogFormIsOneLineWithControlsEscaped() throws {
        let feed =
            #"{"england-and-wales": {"division": "england-and-wales", "events": ["#
            + #"{"title": "Bad\r\nDay\u001b[2J", "date": "2026-02-30"}]}}"#
        let error = #expect(throws: HolidayDataError.self) { _ = try HolidayData(json: Data(feed.utf8)) }
        let logged = try #require(error).description
        #expect(error?.code == .badDate)
        #expect(logged.hasPrefix("bad-date: "))
        #expect(!logged.contains("\r") && !logged.contains("\n") && !logged.contains("\u{1B}"))
    }
}
