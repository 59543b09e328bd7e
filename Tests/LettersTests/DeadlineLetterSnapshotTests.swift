import Foundation
import Letters
import Testing

/// The letters about deadlines and stages, rendered from invented cases and compared with golden files: the update,
/// the late response, the stage-1 response and the stage-2 acknowledgement.
@Suite struct DeadlineLetterSnapshotTests {
    static func date(_ day: Int, _ month: Int, _ year: Int) -> MergeValue {
        .string(LetterDateFormatter.string(year: year, month: month, day: day, language: .english))
    }

    /// A Scottish case at `stage`, with the stage fields LetterDesk gives.
    static func scottish(stage: Int) -> MergeContext {
        var c = Fixtures.context(.scotland)
        c["deadlines.staged"] = true
        c["deadlines.atStage1"] = .bool(stage == 1)
        c["deadlines.atStage2"] = .bool(stage == 2)
        c["deadlines.stage1WorkingDays"] = "5"
        c["deadlines.stage1ExtendedWorkingDays"] = "10"
        c["deadlines.stage2WorkingDays"] = "20"
        c["deadlines.stage2RequestMonths"] = "2"
        if stage == 1 {
            c["deadlines.respondBy"] = date(30, 11, 2026)
            c["deadlines.stage1Limit"] = date(7, 12, 2026)
            c["deadlines.stage2RequestBy"] = date(25, 1, 2027)
        }
        return c
    }

    func render(_ kind: LetterKind, _ context: MergeContext, named name: String) throws -> MergedLetter {
        let letter = try Fixtures.library.merge(kind: kind, language: .english, context: context)
        #expect(letter.subject == "Your complaint PALS-2026-0042")
        #expect(letter.text.split(separator: "\n").allSatisfy { $0.count <= 72 || !$0.contains(" ") })
        Fixtures.assertSnapshot(letter.text, named: "\(name).txt")
        Fixtures.assertSnapshot(letter.html, named: "\(name).html")
        return letter
    }

    @Test("update: progress, next steps and the unchanged date")
    func update() throws {
        var c = Fixtures.context(.england)
        c["inputs.progress"] = "We have read the clinic's records and spoken to the nurse in charge that day."
        c["inputs.nextSteps"] = "We are meeting the clinic manager next week to agree what will change."
        let letter = try render(.update, c, named: "update-en-england")
        #expect(letter.text.contains("We still expect to send you our full response by 8 January 2027"))
        #expect(!letter.text.lowercased().contains("ombudsman"))
    }

    @Test("late response: why it is late and when it will come, after the backstop")
    func lateResponse() throws {
        var c = Fixtures.context(.england)
        c["inputs.reason"] = "The independent clinical review we asked for took longer than we planned."
        c["inputs.expectedDate"] = Self.date(11, 6, 2027)
        c["letter.date"] = Self.date(2, 6, 2027)  // after the backstop of 24 May 2027, as Engine requires
        let letter = try render(.lateResponse, c, named: "late-response-en-england")
        #expect(letter.text.contains("by 24 May 2027, and we have not"))
        #expect(letter.text.contains("11 June 2027"))
    }

    @Test("late response: refused to merge without a backstop (a case with none takes no such letter)")
    func lateResponseNeedsABackstop() {
        var c = Fixtures.context(.scotland)
        c["inputs.reason"] = "Delay."
        c["inputs.expectedDate"] = Self.date(11, 6, 2027)
        #expect(throws: LetterError.self) {
            try Fixtures.library.merge(kind: .lateResponse, language: .english, context: c)
        }
    }

    @Test("stage-1 response: the decision and the right to stage 2, no ombudsman")
    func stageOneResponse() throws {
        var c = Self.scottish(stage: 1)
        c["inputs.decision"] = "We have looked at your appointment and booked you a new one on 3 December."
        let letter = try render(.stage1Response, c, named: "stage1-response-en-scotland")
        #expect(letter.text.contains("stage 2"))
        #expect(!letter.text.lowercased().contains("ombudsman"))
        #expect(!letter.text.contains("final response"))
    }

    @Test("stage-2 acknowledgement: stage 2, its 20 working days and date, and the advocacy service")
    func stageTwoAcknowledgement() throws {
        let letter = try render(.acknowledgement, Self.scottish(stage: 2), named: "acknowledgement-en-scotland-stage2")
        let flat = letter.text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flat.contains("Your complaint is now at stage 2 of our complaints procedure"))
        #expect(flat.contains("within 20 working days, by 8 January 2027"))
        #expect(flat.contains("Example Patient Advice and Support Service"))
        #expect(!flat.lowercased().contains("ombudsman"))
    }

    @Test("stage-1 acknowledgement: the decision date and the extended limit")
    func stageOneAcknowledgement() throws {
        let letter = try render(.acknowledgement, Self.scottish(stage: 1), named: "acknowledgement-en-scotland-stage1")
        let flat = letter.text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flat.contains("decision by 30 November 2026, within 5 working days"))
        #expect(flat.contains("until 7 December 2026"))
    }
}
