import Casework
import Engine
import Foundation
import Letters
import Outbox
import PalsTestKit
import Primitives
import Testing
import WorkingDays

/// Scotland's (and Northern Ireland's) two-stage procedure in Engine: stage 1's decision offers stage 2, its
/// extension stops at the legal cap, stage 2's acknowledgement names stage 2, and only the final response names
/// the ombudsman. The case is received on Monday 23 November 2026: stage 1 ends on 1 December (5 working days; St
/// Andrew's Day, Monday 30 November, is a Scottish bank holiday), or 8 December when extended (10).
@Suite("Stage-aware letters: Scotland and Northern Ireland's model procedure")
struct StageLetterTests {
    static let now = "2026-11-23T12:00:00Z"

    func scottishCase(_ ws: EngineWorkspace) async throws -> Case {
        try await ws.log(
            .with {
                $0.fields["profile"] = "scotland"
                $0.fields["complexity"] = nil
            })
    }

    func prepare(
        _ ws: EngineWorkspace, _ kind: LetterKind, _ reference: String, _ inputs: [String: String] = [:],
        at now: String = Self.now
    ) async throws -> PreparedLetter {
        try await offPool { try LetterDesk(casebook: ws.at(now)).prepare(kind, reference: reference, inputs: inputs) }
    }

    @Test("at stage 1 the final response is refused: the decision is a stage-1 response")
    func resolutionRefusedAtStageOne() async throws {
        let ws = try await EngineWorkspace.make(now: Self.now)
        defer { ws.folder.remove() }
        let record = try await scottishCase(ws)
        let error = await failure(LetterDeskError.self) {
            _ = try LetterDesk(casebook: ws.casebook()).prepare(
                .resolution, reference: record.reference,
                inputs: ["consideration": "We read.", "findings": "Found.", "actions": "Act."])
        }
        #expect(error?.code == .notAllowed)
        #expect(error?.message.contains("stage-1 response") == true)
    }

    @Test("the stage-1 response gives the decision and the right to stage 2 (how and by when), no ombudsman")
    func stageOneResponse() async throws {
        let ws = try await EngineWorkspace.make(now: Self.now)
        defer { ws.folder.remove() }
        let record = try await scottishCase(ws)
        let letter = try await prepare(ws, .stage1Response, record.reference, ["decision": "We have rebooked you."])
        let text = letter.merged.flatText
        #expect(text.contains("We have rebooked you."))
        #expect(text.contains("stage 2 of our complaints procedure"))
        #expect(text.contains("within 20 working days"))
        #expect(text.contains("Please ask by 23 January 2027, 2 months from the date of this letter"))
        #expect(!text.lowercased().contains("ombudsman"), "no ombudsman before the final response")
        #expect(!text.contains("final response"))
    }

    @Test("the stage-1 response is refused for an unstaged profile and at stage 2")
    func stageOneResponseRefused() async throws {
        let ws = try await EngineWorkspace.make(now: Self.now)
        defer { ws.folder.remove() }
        let england = try await ws.log()
        let error = await failure(LetterDeskError.self) {
            _ = try LetterDesk(casebook: ws.casebook()).prepare(
                .stage1Response, reference: england.reference, inputs: ["decision": "Done."])
        }
        #expect(error?.message.contains("has no stages") == true)
    }

    @Test("stage 1 → extension within the cap → a date beyond it refused → stage 2 → final response")
    func stageOneToStageTwo() async throws {
        let ws = try await EngineWorkspace.make(now: Self.now)
        defer { ws.folder.remove() }
        let record = try await scottishCase(ws)
        let reference = record.reference
        // A stage-1 holding letter four months out is refused, naming stage 2.
        let tooFar = await failure(DeadlineError.self) {
            _ = try LetterDesk(casebook: ws.casebook()).prepare(
                .holding, reference: reference, inputs: ["reason": "Busy.", "newDate": "2027-03-23"])
        }
        #expect(tooFar?.code == .beyondStage1Cap)
        #expect(tooFar?.reason.contains("must go to stage 2") == true)
        // The extension to 10 working days is allowed, and says "decision".
        let holding = try await offPool {
            let book = try ws.at("2026-11-27T09:00:00Z")
            let letter = try LetterDesk(casebook: book).prepare(
                .holding, reference: reference, inputs: ["reason": "A nurse is away.", "newDate": "2026-12-07"])
            _ = try Postroom(casebook: book).sendLetter(
                .holding, reference: reference, inputs: ["reason": "A nurse is away.", "newDate": "2026-12-07"])
            return letter
        }
        #expect(holding.merged.flatText.contains("We now expect to send you our decision by 7 December 2026"))
        let extended = try await offPool {
            let book = try ws.at("2026-11-27T09:00:00Z")
            return try DeadlineDesk(workspace: book.workspace).deadlines(for: try book.register.get(reference))
        }
        #expect(extended.respondBy == day("2026-12-07"))
        // Escalation on 8 December: stage 2 starts its own clock; the stage-1 date does not carry over.
        let escalated = try await offPool {
            var changes = CaseChanges()
            changes.stage = 2
            return try ws.at("2026-12-08T09:00:00Z").update(reference, changes)
        }
        #expect(escalated.stage == 2)
        #expect(escalated.agreedResponseDate == nil)
        let stage2 = try await offPool {
            let book = try ws.at("2026-12-08T09:00:00Z")
            return try DeadlineDesk(workspace: book.workspace).deadlines(for: try book.register.get(reference))
        }
        let scotland = WorkingDayCalendar(division: .scotland)
        #expect(stage2.stage == .two)
        #expect(stage2.respondBy == scotland.adding(workingDays: 20, to: day("2026-12-08")))
        #expect(stage2.acknowledgeBy == scotland.adding(workingDays: 3, to: day("2026-12-08")))
        // The stage-2 acknowledgement names stage 2, its 20 working days and date, and the advocacy service.
        let acknowledgement = try await prepare(ws, .acknowledgement, reference, at: "2026-12-08T09:00:00Z")
        let ackText = acknowledgement.merged.flatText
        let due = LetterDateFormatter.string(
            year: stage2.respondBy.year, month: stage2.respondBy.month, day: stage2.respondBy.day, language: .english)
        #expect(ackText.contains("Your complaint is now at stage 2 of our complaints procedure"))
        #expect(ackText.contains("within 20 working days, by \(due)"))
        #expect(ackText.contains("free, independent support"))
        #expect(!ackText.lowercased().contains("ombudsman"))
        // The final response, at stage 2, names the ombudsman.
        let resolution = try await prepare(
            ws, .resolution, reference, ["consideration": "We read.", "findings": "Found.", "actions": "Act."],
            at: "2026-12-20T09:00:00Z")
        #expect(resolution.merged.flatText.contains("Scottish Public Services Ombudsman"))
        // A stage-1 response no longer fits.
        let late = await failure(LetterDeskError.self) {
            _ = try LetterDesk(casebook: ws.at("2026-12-20T09:00:00Z")).prepare(
                .stage1Response, reference: reference, inputs: ["decision": "Done."])
        }
        #expect(late?.message.contains("stage 2") == true)
    }

    @Test("the stage-1 acknowledgement gives the decision date and the extended limit, not a final response")
    func stageOneAcknowledgement() async throws {
        let ws = try await EngineWorkspace.make(now: Self.now)
        defer { ws.folder.remove() }
        let record = try await scottishCase(ws)
        let letter = try await prepare(ws, .acknowledgement, record.reference)
        let text = letter.merged.flatText
        #expect(text.contains("We aim to give you our decision by 1 December 2026, within 5 working days"))
        #expect(text.contains("up to 10 working days, until 8 December 2026"))
        #expect(!text.contains("full written response"))
    }

    @Test("Northern Ireland: a complaint received from 1 January 2026 is logged under the model procedure")
    func northernIrelandSuccession() async throws {
        let ws = try await EngineWorkspace.make(now: Self.now)
        defer { ws.folder.remove() }
        let after = try await ws.log(
            .with {
                $0.fields["profile"] = "northern-ireland"
                $0.fields["complexity"] = nil
            })
        #expect(after.profile == .northernIrelandMCHP)
        #expect(after.stage == 1)
        let before = try await ws.log(
            .with {
                $0.fields["profile"] = "northern-ireland"
                $0.fields["complexity"] = nil
                $0.fields["received"] = "2025-12-31T10:00:00Z"
            })
        #expect(before.profile == .northernIreland)
        #expect(before.stage == nil)
    }

    @Test("Northern Ireland's model procedure date is configurable, and `never` keeps the HSC procedure")
    func northernIrelandConfigurable() async throws {
        let ws = try await EngineWorkspace.make(now: Self.now)
        defer { ws.folder.remove() }
        let workspace = try await offPool {
            try ws.reconfigured {
                $0.replacingOccurrences(
                    of: "jurisdiction:\n", with: "jurisdiction:\n  northernIrelandModelProcedureFrom: never\n")
            }
        }
        let record = try await offPool {
            try Casebook(workspace: workspace, clock: ws.clock).log(
                json: Complaint.with {
                    $0.fields["profile"] = "northern-ireland"
                    $0.fields["complexity"] = nil
                }.json)
        }
        #expect(record.profile == .northernIreland)
        let dated = try WorkspaceConfiguration.parse(
            yaml: starterYAML.replacingOccurrences(
                of: "jurisdiction:\n", with: "jurisdiction:\n  northernIrelandModelProcedureFrom: 2027-04-01\n"),
            file: "pals.yaml", environment: [:])
        #expect(dated.jurisdiction.northernIrelandModelProcedureFrom == day("2027-04-01"))
        let bad = #expect(throws: ConfigurationError.self) {
            try WorkspaceConfiguration.parse(
                yaml: starterYAML.replacingOccurrences(
                    of: "jurisdiction:\n", with: "jurisdiction:\n  northernIrelandModelProcedureFrom: soon\n"),
                file: "pals.yaml", environment: [:])
        }
        #expect(bad?.problems.contains { $0.key.contains("northernIrelandModelProcedureFrom") } == true)
    }

    @Test("dated rule sets: a case keeps the rules in force on its receipt date, named on its deadlines")
    func datedRuleSets() throws {
        let yaml = starterYAML.replacingOccurrences(
            of: "deadlines:\n",
            with: """
                deadlines:
                  ruleSets:
                    wales:
                      - effectiveFrom: 2026-04-01
                        name: wales-2026
                        responseWorkingDays: 25

                """)
        let configuration = try WorkspaceConfiguration.parse(yaml: yaml, file: "pals.yaml", environment: [:])
        let desk = DeadlineDesk(configuration: configuration, holidayData: .shipped)
        let before = try desk.calculate(profile: .wales, stage: nil, received: day("2026-03-31"), complexity: nil)
        let after = try desk.calculate(profile: .wales, stage: nil, received: day("2026-04-01"), complexity: nil)
        #expect(before.ruleSet == "wales-2011")
        #expect(after.ruleSet == "wales-2026")
        let calendar = WorkingDayCalendar(division: .englandAndWales)
        #expect(before.respondBy == calendar.adding(workingDays: 30, to: day("2026-03-31")))
        #expect(after.respondBy == calendar.adding(workingDays: 25, to: day("2026-04-01")))
    }
}
