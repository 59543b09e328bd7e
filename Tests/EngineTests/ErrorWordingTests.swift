import Casework
import Engine
import Foundation
import Letters
import PalsTestKit
import Primitives
import Testing
import WorkingDays

/// Engine's (and Casework's) errors say what to do in words any front door can show: no `pals …` command and no
/// `--flag` (issue 12). The command-line advice lives in the CLI (`Sources/pals/Advice.swift`), checked end to end.
@Suite("Error wording")
struct ErrorWordingTests {
    /// One way an officer or operator meets an error of Engine or Casework.
    enum Situation: String, CaseIterable, Sendable {
        case letterOnClosedCase, letterOnWithdrawnCase, letterAfterFinalResponse
        case acknowledgedOutsidePals, acknowledgedTwice, staffLetterForCase
        case holdingWithoutNewDate, holdingWithUndatedNewDate, emailOfPostalLetter
        case notAWorkspace, workspaceInFullFolder, letterTemplateLost, templatesLost
        case nothingToChange, closingByStatus, stageOfProfileWithoutStages, registerLost
    }

    @Test("an error's message names no command and no flag", arguments: Situation.allCases)
    func noCommandLineWording(_ situation: Situation) async throws {
        let error = try #require(await Self.error(in: situation), "\(situation) raised no error")
        let text = try #require((error as? any LocalizedError)?.errorDescription, "\(situation): no message")
        #expect(!text.contains("`"), "\(situation): \(text)")
        let command = /pals (init|case|daemon|templates|archive|preview|letter|outbox|config|deadlines|status)\b/
        #expect(text.firstMatch(of: command) == nil, "\(situation): \(text)")
        #expect(text.firstMatch(of: /--[a-z]/) == nil, "\(situation): \(text)")
        #expect(!text.contains("PALS_WORKSPACE"), "\(situation): \(text)")
    }

    @Test("a refusal carries the facts the advice needs: the case and the lifecycle's reason")
    func refusalFacts() async throws {
        let error = try #require(await Self.error(in: .letterOnClosedCase) as? LetterDeskError)
        #expect(error.code == .notAllowed)
        #expect(error.refusal == .closed)
        #expect(error.reference?.hasPrefix("PALS-") == true)
        let missing = try #require(await Self.error(in: .holdingWithUndatedNewDate) as? LetterDeskError)
        #expect(missing.code == .missingInput && missing.input == "newDate")
        let stage = try #require(await Self.error(in: .stageOfProfileWithoutStages) as? DeadlineDeskError)
        #expect(stage.stage == 2)
    }

    /// The error `situation` raises, made through Engine's public entry points.
    static func error(in situation: Situation) async throws -> (any Error)? {
        switch situation {
        case .letterOnClosedCase: return try await refusal(after: { try $0.move(to: .closed, at: $1) }, .holding)
        case .letterOnWithdrawnCase: return try await refusal(after: { try $0.move(to: .withdrawn, at: $1) }, .holding)
        case .letterAfterFinalResponse: return try await refusal(after: { try $0.respond(at: $1) }, .holding)
        case .acknowledgedOutsidePals:
            let ws = try await EngineWorkspace.make()
            defer { ws.folder.remove() }
            let record = try await ws.log(.with { $0.fields["acknowledged"] = true })
            return await caught { try prepare(ws, .acknowledgement, record.reference) }
        case .acknowledgedTwice:
            return try await refusal(
                after: { life, _ in try life.acknowledge(.byOfficerLetter, at: instant("2026-11-24T10:00:00Z")) },
                .acknowledgement)
        case .staffLetterForCase:
            let ws = try await EngineWorkspace.make()
            defer { ws.folder.remove() }
            return LetterDesk.refusal(of: .reminderDigest, for: try await ws.log())
        case .holdingWithoutNewDate:
            let ws = try await EngineWorkspace.make()
            defer { ws.folder.remove() }
            let record = try await ws.log()
            return await caught { try prepare(ws, .holding, record.reference, inputs: ["reason": "A statement."]) }
        case .holdingWithUndatedNewDate:
            let ws = try await EngineWorkspace.make()
            defer { ws.folder.remove() }
            let record = try await ws.log()
            return await caught {
                try prepare(ws, .holding, record.reference, inputs: ["reason": "A statement.", "newDate": "soon"])
            }
        case .emailOfPostalLetter:
            let ws = try await EngineWorkspace.make()
            defer { ws.folder.remove() }
            let record = try await ws.log(.byPost)
            return await caught {
                let desk = try LetterDesk(casebook: ws.casebook())
                _ = try desk.compose(
                    desk.prepare(.acknowledgement, reference: record.reference, inputs: [:]), date: ws.clock.now())
            }
        case .notAWorkspace:
            let folder = try TemporaryFolder("not-ws")
            defer { folder.remove() }
            return await caught { _ = try Workspace.open(at: folder.url, environment: [:]) }
        case .workspaceInFullFolder:
            let folder = try TemporaryFolder("full")
            defer { folder.remove() }
            try Data("notes".utf8).write(to: folder.appending("notes.txt"))
            return await caught { try Workspace.create(at: folder.url) }
        case .letterTemplateLost, .templatesLost:
            let folder = try TemporaryFolder("no-templates")
            defer { folder.remove() }
            return situation == .letterTemplateLost
                ? DefaultTemplates.missingLetterTemplate(.holding, in: folder.url)
                : DefaultTemplates.missingFiles(in: folder.url, cause: CocoaError(.fileNoSuchFile))
        case .nothingToChange, .closingByStatus:
            let ws = try await EngineWorkspace.make()
            defer { ws.folder.remove() }
            let record = try await ws.log()
            var changes = CaseChanges()
            if situation == .closingByStatus { changes.status = .closed }
            let change = changes
            return await caught { try ws.casebook().update(record.reference, change) }
        case .stageOfProfileWithoutStages:
            let desk = DeadlineDesk(configuration: nil, holidayData: .shipped)
            return await caught {
                _ = try desk.calculate(profile: .england, stage: 2, received: day("2026-11-25"), complexity: nil)
            }
        case .registerLost:
            let folder = try TemporaryFolder("no-register")
            defer { folder.remove() }
            return await caught { _ = try CaseRegister(existing: folder.appending("cases.sqlite"), readOnly: false) }
        }
    }

    /// The refusal of a `kind` letter for a fresh case after `transition`.
    static func refusal(
        after transition: @escaping @Sendable (inout CaseLifecycle, Date) throws -> Void, _ kind: LetterKind
    ) async throws -> (any Error)? {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log()
        try await ws.change(record.reference, transition)
        return await caught { try prepare(ws, kind, record.reference, inputs: LetterDeskTests.inputs[kind] ?? [:]) }
    }

    static func prepare(
        _ ws: EngineWorkspace, _ kind: LetterKind, _ reference: String, inputs: [String: String] = [:]
    ) throws {
        _ = try LetterDesk(casebook: ws.casebook()).prepare(kind, reference: reference, inputs: inputs)
    }

    /// What `body` throws (off the cooperative pool), or nil.
    static func caught(_ body: @escaping @Sendable () throws -> Void) async -> (any Error)? {
        do {
            try await offPool(body)
            return nil
        } catch {
            return error
        }
    }
}
