import Foundation
import Primitives
import Testing
import WorkingDays

/// The shipped GOV.UK feed, read from the source tree, as a JSON object the tests can edit.
func shippedFeed() throws -> [String: Any] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/WorkingDays/Resources/bank-holidays.json")
    return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
}

/// The shipped feed with `edit` applied, as JSON.
func editedFeed(_ edit: (inout [String: Any]) throws -> Void) throws -> Data {
    var feed = try shippedFeed()
    try edit(&feed)
    return try JSONSerialization.data(withJSONObject: feed)
}

/// Adds an event to one division of a feed.
func addEvent(_ event: [String: Any], to division: String, in feed: inout [String: Any]) throws {
    var entry = try #require(feed[division] as? [String: Any])
    var events = try #require(entry["events"] as? [[String: Any]])
    events.append(event)
    entry["events"] = events
    feed[division] = entry
}

@Suite struct ShippedHolidayData {
    let data = HolidayData.shipped

    @Test func coversTwentyTwelveToTwentyTwentyEightInEveryDivision() {
        #expect(self.data.coveredYears == 2012...2028)
        for division in Division.allCases {
            #expect(self.data.years(for: division) == 2012...2028)
        }
        #expect(self.data.firstDate == day("2012-01-02"))
        #expect(self.data.lastDate == day("2028-12-26"))
    }

    @Test func hasAVersionNamingItsSpanAndAStableHash() throws {
        // Pinned: deadlines record this string, so the hash (FNV-1a of the content) must not drift.
        #expect(self.data.version == "gov.uk 2012-01-02…2028-12-26 #fcb16d2b")
        let reparsed = try HolidayData(json: editedFeed { _ in })  // reformatted by JSONSerialization, same content
        #expect(reparsed.version == self.data.version)
    }

    @Test(arguments: [
        (Division.englandAndWales, 140), (.scotland, 157), (.northernIreland, 174),
    ])
    func holdsEveryEventOfTheFeed(division: Division, count: Int) {
        let holidays = self.data.holidays(for: division)
        #expect(holidays.count == count)
        #expect(holidays.map(\.date) == holidays.map(\.date).sorted())
        #expect(holidays.allSatisfy { $0.division == division && !$0.date.isWeekend })
    }

    @Test func keepsTitlesAndNotes() {
        let funeral = self.data.holidays(inYear: 2022, division: .scotland).first { $0.date == day("2022-09-19") }
        #expect(funeral?.title == "Bank Holiday for the State Funeral of Queen Elizabeth II")
        let substitute = self.data.holidays(inYear: 2022, division: .englandAndWales).first {
            $0.date == day("2022-12-27")
        }
        #expect(substitute?.title == "Christmas Day")
        #expect(substitute?.notes == "Substitute day")
    }
}

@Suite struct RefusingBadHolidayData {
    @Test func refusesDataThatIsNotJSON() {
        let error = #expect(throws: HolidayDataError.self) { try HolidayData(json: Data("<html>nope</html>".utf8)) }
        #expect(error?.code == .notJSON)
        #expect(error?.errorDescription?.contains("not valid JSON") == true)
    }

    @Test(arguments: Division.allCases)
    func refusesAFeedMissingADivision(missing: Division) throws {
        let json = try editedFeed { $0[missing.rawValue] = nil }
        let error = #expect(throws: HolidayDataError.self) { try HolidayData(json: json) }
        #expect(error?.code == .missingDivision)
        #expect(error?.errorDescription?.contains("\"\(missing.rawValue)\" is missing") == true)
    }

    @Test(arguments: ["2026-02-30", "2026-2-3", "next Tuesday"])
    func refusesABadDate(bad: String) throws {
        let json = try editedFeed {
            try addEvent(["title": "Made-up Day", "date": bad, "notes": "", "bunting": true], to: "scotland", in: &$0)
        }
        let error = #expect(throws: HolidayDataError.self) { try HolidayData(json: json) }
        #expect(error?.code == .badDate)
        #expect(error?.errorDescription?.contains("scotland") == true)
        #expect(error?.errorDescription?.contains("\"\(bad)\"") == true)
        #expect(error?.errorDescription?.contains("Made-up Day") == true)
    }

    @Test func refusesADivisionWithNoEvents() throws {
        let json = try editedFeed { $0["northern-ireland"] = ["division": "northern-ireland", "events": [Any]()] }
        let error = #expect(throws: HolidayDataError.self) { try HolidayData(json: json) }
        #expect(error?.code == .emptyDivision)
        #expect(error?.errorDescription?.contains("northern-ireland") == true)
    }

    @Test func refusesTheWrongShape() throws {
        let missingDate = try editedFeed {
            try addEvent(["title": "Dateless Day", "notes": ""], to: "england-and-wales", in: &$0)
        }
        let error = #expect(throws: HolidayDataError.self) { try HolidayData(json: missingDate) }
        #expect(error?.code == .malformed)
        #expect(error?.errorDescription?.contains("\"date\"") == true)

        let array = #expect(throws: HolidayDataError.self) { try HolidayData(json: Data("[]".utf8)) }
        #expect(array?.code == .malformed)
    }

    @Test func refusesADateListedTwice() throws {
        let json = try editedFeed {
            try addEvent(["title": "Again", "date": "2026-12-25", "notes": ""], to: "england-and-wales", in: &$0)
        }
        let error = #expect(throws: HolidayDataError.self) { try HolidayData(json: json) }
        #expect(error?.code == .duplicateDate)
        #expect(error?.errorDescription?.contains("2026-12-25") == true)
    }

    @Test func refusesAYearWithNoHolidaysInsideTheCoveredRange() throws {
        let json = try editedFeed { feed in
            var entry = try #require(feed["scotland"] as? [String: Any])
            let events = try #require(entry["events"] as? [[String: Any]])
            entry["events"] = events.filter { ($0["date"] as? String)?.hasPrefix("2019") == false }
            feed["scotland"] = entry
        }
        let error = #expect(throws: HolidayDataError.self) { try HolidayData(json: json) }
        #expect(error?.code == .missingYear)
        #expect(error?.errorDescription?.contains("2019") == true)
    }

    @Test func acceptsEventsInAnyOrder() throws {
        let json = try editedFeed { feed in
            var entry = try #require(feed["scotland"] as? [String: Any])
            entry["events"] = try #require(entry["events"] as? [[String: Any]]).reversed() as [[String: Any]]
            feed["scotland"] = entry
        }
        let data = try HolidayData(json: json)
        #expect(data.holidays(for: .scotland) == HolidayData.shipped.holidays(for: .scotland))
        #expect(data.version == HolidayData.shipped.version)
    }
}
