import Casework
import Engine
import Foundation
import Letters
import Outbox
import PalsTestKit
import Primitives
import Testing
import WorkingDays

/// ``Casebook``, in process: logging a complaint from JSON (every validation message), changing, escalating,
/// closing and reopening a case, and where references come from. The clock stands at Wednesday 25 November 2026.
@Suite("Casebook: logging and changing cases")
struct CasebookTests {
    // MARK: Logging

    @Test("a logged complaint gets the first reference of its year, a history line and no attention flag")
    func logsFirstCase() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log()
        #expect(record.reference == "PALS-2026-0001")
        #expect(record.status == .open)
        #expect(record.consent == .notNeeded)
        #expect(record.attention == nil)
        #expect(record.acknowledgedAt == nil)
        #expect(record.profile == .england)
        #expect(record.caseId.count == 36)
        let history = try await offPool { try ws.casebook().register.events(for: record.reference) }
        #expect(history.map(\.kind) == [.logged])
        #expect(history.first?.detail == "logged by email")
    }

    @Test("references count up within the year of receipt, not the year of logging")
    func referencesByYearOfReceipt() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        #expect(try await ws.log().reference == "PALS-2026-0001")
        #expect(try await ws.log().reference == "PALS-2026-0002")
        let lastYear = Complaint.with { $0.fields["received"] = "2025-12-31" }
        #expect(try await ws.log(lastYear).reference == "PALS-2025-0001")
        #expect(try await ws.log().reference == "PALS-2026-0003")
    }

    @Test("a complaint about someone else waits for consent; one acknowledged by telephone is acknowledged")
    func consentAndOutsideAcknowledgement() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let onBehalf = try await ws.log(.onBehalf)
        #expect(onBehalf.status == .awaitingConsent)
        #expect(onBehalf.patient?.fullName == "Mr Bryn Example")
        let phoned = try await ws.log(.with { $0.fields["acknowledged"] = true })
        #expect(phoned.acknowledgedOutsidePals)
        #expect(phoned.acknowledgedAt == phoned.receivedAt)
        let history = try await offPool { try ws.casebook().register.events(for: phoned.reference) }
        #expect(history.first?.detail == "logged by email; acknowledged outside pals")
    }

    /// One bad field, the field the problem names, and words its message must contain.
    static let badFields: [(String, @Sendable (inout Complaint) -> Void, String, String)] = [
        ("an unknown field", { $0.fields["colour"] = "blue" }, "colour", "is not a field of the case format"),
        (
            "no channel", { $0.fields["channel"] = nil }, "channel",
            "is missing (one of: email, letter, phone, in-person, web)"
        ),
        ("an unknown channel", { $0.fields["channel"] = "fax" }, "channel", "'fax' is not one of: email"),
        ("a blank summary", { $0.fields["summary"] = "   " }, "summary", "is empty"),
        ("a number for the service", { $0.fields["service"] = 7 }, "service", "must be a string"),
        ("no officer", { $0.fields["officer"] = nil }, "officer", "is missing"),
        (
            "an unknown officer", { $0.fields["officer"] = "zoe" }, "officer",
            "'zoe' is not an officer of this workspace (known: alex, sam)"
        ),
        ("an unknown profile", { $0.fields["profile"] = "atlantis" }, "profile", "'atlantis' is not one of:"),
        (
            "stage 3",
            {
                $0.fields["profile"] = "scotland"
                $0.fields["stage"] = 3
            }, "stage", "must be 1 or 2"
        ),
        ("a stage in England", { $0.fields["stage"] = 2 }, "stage", "profile 'england' has no stages"),
        ("a stage in words", { $0.fields["stage"] = "two" }, "stage", "must be a whole number"),
        (
            "an unknown complexity", { $0.fields["complexity"] = "huge" }, "complexity",
            "'huge' is not a configured complexity (known: complex, standard, very-complex)"
        ),
        (
            "a received date in words", { $0.fields["received"] = "yesterday" }, "received",
            "'yesterday' is not a date (YYYY-MM-DD) or a time"
        ),
        (
            "a received day after today", { $0.fields["received"] = "2026-11-26" }, "received",
            "2026-11-26 is in the future (today is 2026-11-25)"
        ),
        (
            "a received time an hour ahead", { $0.fields["received"] = "2026-11-25T10:00:00Z" }, "received",
            "is in the future"
        ),
        (
            "a received date before 1990", { $0.fields["received"] = "1989-12-31" }, "received",
            "1989-12-31 is outside the dates pals accepts (1990-01-01 to 2100-12-31)"
        ),
        (
            "an agreed date that is not a date", { $0.fields["agreedResponseDate"] = "2026-13-01" },
            "agreedResponseDate", "'2026-13-01' is not a date in the form YYYY-MM-DD"
        ),
        (
            "an agreed date before receipt", { $0.fields["agreedResponseDate"] = "2026-11-01" }, "agreedResponseDate",
            "2026-11-01 is before the complaint was received (2026-11-23)"
        ),
        (
            "consent without a patient", { $0.fields["consent"] = "received" }, "consent",
            "is 'received' but the case has no patient"
        ),
        ("acknowledged as a word", { $0.fields["acknowledged"] = "yes" }, "acknowledged", "must be true or false"),
        (
            "an empty complainant", { $0.complainant = [:] }, "complainant.firstName",
            "is missing"
        ),
        (
            "a complainant without a last name", { $0.complainant["lastName"] = nil }, "complainant.lastName",
            "is missing"
        ),
        (
            "an invalid email address", { $0.complainant["email"] = "eira at example" }, "complainant.email",
            "is not a valid email address"
        ),
        (
            "email preferred without an address",
            {
                $0.complainant["email"] = nil
                $0.complainant["preferredContact"] = "email"
            },
            "complainant.email", "is missing but preferredContact is email"
        ),
        (
            "post preferred without an address",
            {
                $0.complainant["address"] = nil
                $0.complainant["preferredContact"] = "post"
            },
            "complainant.address", "is missing but letters go by post"
        ),
        (
            "an address that is not a list", { $0.complainant["address"] = "12 Invented Street" },
            "complainant.address",
            "must be a list of strings"
        ),
        ("an unknown language", { $0.complainant["language"] = "fr" }, "complainant.language", "'fr' is not one of:"),
        (
            "an unknown accessible-information need", { $0.complainant["accessibleInformation"] = ["braile"] },
            "complainant.accessibleInformation", "'braile' is not one of:"
        ),
        (
            "an unknown complainant field", { $0.complainant["nhsNumber"] = "0000000000" }, "complainant.nhsNumber",
            "is not a field of the case format"
        ),
        (
            "a patient without a first name",
            {
                $0.patient = ["lastName": "Example"]
                $0.fields["consent"] = "requested"
            },
            "patient.firstName", "is missing"
        ),
    ]

    @Test("each bad field is named with what is wrong, and nothing is stored", arguments: badFields.indices)
    func validationMessages(index: Int) async throws {
        let (what, change, field, words) = Self.badFields[index]
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let json = Complaint.with(change).json
        let error = try #require(await failure(CaseFormError.self) { _ = try ws.casebook().log(json: json) }, "\(what)")
        let problem = error.problems.first { $0.field == field }
        #expect(problem?.message.contains(words) == true, "\(what): \(error.problems)")
        #expect(error.outcome == "the case was not stored")
        #expect(try await offPool { try ws.casebook().register.cases() }.isEmpty, "\(what): nothing stored")
    }

    @Test(
        "received and agreed dates outside 1990–2100 are refused, naming the field",
        arguments: [
            ("received", "0001-01-01"), ("received", "1500-06-01"), ("received", "1989-12-31"),
            ("agreedResponseDate", "9999-12-31"), ("agreedResponseDate", "2101-01-01"),
        ])
    func datesOutsideWindow(field: String, date: String) async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let json = Complaint.with { $0.fields[field] = date }.json
        let error = try #require(await failure(CaseFormError.self) { _ = try ws.casebook().log(json: json) })
        #expect(error.problems.map(\.field) == [field])
        #expect(error.problems.first?.message == "\(date) is outside the dates pals accepts (1990-01-01 to 2100-12-31)")
    }

    @Test(
        "a date-only received of today is accepted at any hour, in winter and in summer time",
        arguments: [
            ("2026-12-01T00:30:00Z", "2026-12-01"), ("2026-12-01T23:30:00Z", "2026-12-01"),
            ("2026-06-01T23:30:00Z", "2026-06-02"), ("2026-06-02T00:30:00Z", "2026-06-02"),
        ])
    func todayAtAnyHour(now: String, today: String) async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await offPool {
            try ws.at(now).log(json: Complaint.with { $0.fields["received"] = today }.json)
        }
        #expect(record.receivedDate == day(today))
        #expect(record.receivedAt <= instant(now))
        let tomorrow = try #require(
            await failure(CaseFormError.self) {
                _ = try ws.at("2026-12-01T23:30:00Z").log(
                    json: Complaint.with { $0.fields["received"] = "2026-12-02" }.json)
            })
        #expect(tomorrow.problems.map(\.description) == ["received: 2026-12-02 is in the future (today is 2026-12-01)"])
    }

    @Test("an update's agreed date outside the window is refused, and says the case was not changed")
    func updateDateOutsideWindow() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log()
        let error = try #require(
            await failure(CaseFormError.self) {
                var changes = CaseChanges()
                changes.agreedResponseDate = day("9999-12-31")
                try ws.casebook().update(record.reference, changes)
            })
        let text = try #require(error.errorDescription)
        #expect(text.hasPrefix("PALS-2026-0001 was not changed: 1 problem(s)"))
        #expect(text.contains("agreed-response-date: 9999-12-31 is outside the dates pals accepts"))
    }

    @Test("a file that is not a JSON object is named as the file")
    func notAnObject() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let broken = try #require(await failure(CaseFormError.self) { _ = try ws.casebook().log(json: Data("{".utf8)) })
        #expect(broken.problems.map(\.field) == ["(file)"])
        #expect(broken.problems.first?.message.hasPrefix("is not valid JSON") == true)
        let list = try #require(await failure(CaseFormError.self) { _ = try ws.casebook().log(json: Data("[]".utf8)) })
        #expect(list.problems.first?.message == "must be a JSON object with the case's fields")
    }

    @Test("every problem is named at once, one line each, with control characters escaped")
    func everyProblemAtOnce() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let json = Complaint.with {
            $0.fields["officer"] = "zo\u{1B}[31me"
            $0.fields["summary"] = ""
            $0.complainant["email"] = "nobody"
        }.json
        let error = try #require(await failure(CaseFormError.self) { _ = try ws.casebook().log(json: json) })
        #expect(Set(error.problems.map(\.field)) == ["officer", "summary", "complainant.email"])
        let text = try #require(error.errorDescription)
        #expect(text.hasPrefix("the case was not stored: 3 problem(s)\n"))
        #expect(!text.contains("\u{1B}"), "an escape sequence from the input never reaches the terminal")
    }

    // MARK: Changing

    @Test("an update changes the fields given and records which, never the personal values")
    func updateRecordsFieldNames() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log()
        let updated = try await offPool {
            var changes = CaseChanges()
            changes.officer = "sam"
            changes.complexity = "complex"
            changes.email = "eira.new@example.org"
            changes.phone = "01632 960999"
            return try ws.casebook().update(record.reference, changes)
        }
        #expect(updated.officer == "sam")
        #expect(updated.complexity == "complex")
        #expect(updated.complainant.email == "eira.new@example.org")
        let history = try await offPool { try ws.casebook().register.events(for: record.reference) }
        let line = try #require(history.last)
        #expect(line.kind == .updated)
        #expect(line.detail == "officer → sam; complexity → complex; contact details changed (email, phone)")
        #expect(!line.detail.contains("eira.new") && !line.detail.contains("960999"))
    }

    @Test("an update with bad changes names each, changes nothing, and says so")
    func updateRefusesAllAtOnce() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log()
        let error = try #require(
            await failure(CaseFormError.self) {
                var changes = CaseChanges()
                changes.officer = "zoe"
                changes.status = .closed
                changes.stage = 2
                changes.consent = .requested
                changes.complexity = "huge"
                changes.email = "not-an-address"
                changes.agreedResponseDate = day("2026-11-01")
                try ws.casebook().update(record.reference, changes)
            })
        #expect(error.outcome == "PALS-2026-0001 was not changed")
        let messages = Dictionary(error.problems.map { ($0.field, $0.message) }, uniquingKeysWith: { $0 + " | " + $1 })
        #expect(messages["officer"] == "'zoe' is not an officer of this workspace (known: alex, sam)")
        #expect(messages["status"] == "close the case instead, so the closing is recorded for retention")
        #expect(messages["stage"] == "profile 'england' has no stages")
        #expect(messages["consent"] == "the case has no patient, so no consent is needed")
        #expect(messages["complexity"]?.hasPrefix("'huge' is not a configured complexity") == true)
        #expect(messages["email"] == "is not a valid email address")
        #expect(messages["agreed-response-date"] == "2026-11-01 is before the complaint was received (2026-11-23)")
        let after = try await offPool { try ws.casebook().register.get(record.reference) }
        #expect(after == record)
    }

    @Test("an update that changes nothing is refused; an unknown reference is named")
    func updateNothingOrNobody() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log()
        let nothing = await failure(CaseChangesError.self) { try ws.casebook().update(record.reference, CaseChanges()) }
        #expect(nothing?.message.hasPrefix("nothing to change") == true)
        let nobody = await failure(RegisterError.self) {
            var changes = CaseChanges()
            changes.officer = "sam"
            try ws.casebook().update("PALS-2026-0999", changes)
        }
        #expect(nobody?.isNotFound == true)
        #expect(nobody?.message == "no case PALS-2026-0999 in the register")
    }

    @Test("consent received opens a case waiting for it; consent asked for again puts an open case back to waiting")
    func consentMovesStatus() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log(.onBehalf)
        #expect(record.status == .awaitingConsent)
        let received = try await offPool {
            var changes = CaseChanges()
            changes.consent = .received
            return try ws.casebook().update(record.reference, changes)
        }
        #expect(received.status == .open)
        let withdrawn = try await offPool {
            var changes = CaseChanges()
            changes.consent = .refused
            return try ws.casebook().update(record.reference, changes)
        }
        #expect(withdrawn.status == .open, "consent withdrawn: the case is worked without disclosure")
        let requested = try await offPool {
            var changes = CaseChanges()
            changes.consent = .requested
            return try ws.casebook().update(record.reference, changes)
        }
        #expect(requested.status == .awaitingConsent)
    }

    @Test("escalating to stage 2 starts its own clock and acknowledgement; a case never goes back to stage 1")
    func escalation() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log(
            .with {
                $0.fields["profile"] = "scotland"
                $0.fields["complexity"] = nil
            })
        #expect(record.stage == 1)
        try await ws.change(record.reference) { lifecycle, _ in
            try lifecycle.acknowledge(.byOfficerLetter, at: instant("2026-11-23T12:00:00Z"))
        }
        let escalated = try await offPool {
            var changes = CaseChanges()
            changes.stage = 2
            return try ws.casebook().update(record.reference, changes)
        }
        #expect(escalated.stage == 2)
        #expect(escalated.escalatedOn == day("2026-11-25"))
        #expect(escalated.acknowledgedAt == nil, "stage 2 is acknowledged again, by the daemon's intake")
        let back = try #require(
            await failure(CaseFormError.self) {
                var changes = CaseChanges()
                changes.stage = 1
                try ws.casebook().update(record.reference, changes)
            })
        #expect(back.problems.map(\.message) == ["a case cannot go back from stage 2 to stage 1"])
    }

    @Test("closing keeps the time for retention, refuses a second close; reopening takes letters again")
    func closeAndReopen() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log()
        let closed = try await offPool { try ws.casebook().close(record.reference) }
        #expect(closed.status == .closed)
        #expect(closed.closedAt == ws.clock.now())
        #expect(!closed.isOpen)
        let again = await failure(RegisterError.self) { try ws.casebook().close(record.reference) }
        #expect(again?.message == "case PALS-2026-0001: is already closed")
        let refused = await failure(LetterDeskError.self) {
            _ = try LetterDesk(casebook: ws.casebook()).prepare(
                .acknowledgement, reference: record.reference, inputs: [:])
        }
        #expect(refused?.code == .notAllowed)

        let reopened = try await offPool {
            var changes = CaseChanges()
            changes.status = .open
            return try ws.casebook().update(record.reference, changes)
        }
        #expect(reopened.status == .open)
        let letter = try await offPool {
            try LetterDesk(casebook: ws.casebook()).prepare(.acknowledgement, reference: record.reference, inputs: [:])
        }
        #expect(letter.reference == record.reference)
        let history = try await offPool { try ws.casebook().register.events(for: record.reference) }
        #expect(history.map(\.kind) == [.logged, .closed, .updated, .reopened])
        #expect(history.first { $0.kind == .updated }?.detail == "status → open")
    }

    @Test("clearing attention removes the flag and says so in the history")
    func clearAttention() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log()
        try await ws.change(record.reference) {
            $0.flag(CaseAttention(kind: .other, text: "message failed: 550 mailbox unavailable"), at: $1)
        }
        let cleared = try await offPool {
            var changes = CaseChanges()
            changes.clearAttention = true
            return try ws.casebook().update(record.reference, changes)
        }
        #expect(cleared.attention == nil)
        let history = try await offPool { try ws.casebook().register.events(for: record.reference) }
        #expect(history.last?.detail == "attention cleared")
    }

    // MARK: References and read-only use

    @Test("a new case skips every reference the outbox already carries, in any state")
    func referencesSkipOutbox() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        try await offPool {
            let postroom = try Postroom(casebook: ws.casebook())
            for reference in ["PALS-2026-0001", "PALS-2026-0002", "PALS-2026-0004"] {
                try postroom.notify(
                    to: "alex.example@example.org", name: nil, key: "test/\(reference)", subject: "Test \(reference)",
                    body: "Invented.", labels: MessageLabels(reference: reference, kind: "alert"))
            }
            guard let held = try ws.outbox().list().first(where: { $0.labels["case"] == "PALS-2026-0004" }) else {
                throw Missing("the message of PALS-2026-0004")
            }
            _ = try ws.outbox().hold(held.id)
        }
        #expect(try await ws.log().reference == "PALS-2026-0003")
        #expect(try await ws.log().reference == "PALS-2026-0005", "a held message's reference is taken too")
    }

    @Test("a read-only casebook reads cases but never writes the register")
    func readOnly() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let record = try await ws.log()
        let before = try Data(contentsOf: ws.workspace.registerURL)
        let (found, listed) = try await offPool {
            let book = try Casebook(workspace: ws.workspace, clock: ws.clock, readOnly: true)
            return (try book.register.get(record.reference), try book.register.cases())
        }
        #expect(found == record)
        #expect(listed.map(\.reference) == [record.reference])
        let error = await failure(RegisterError.self) {
            _ = try Casebook(workspace: ws.workspace, clock: ws.clock, readOnly: true).log(json: Complaint().json)
        }
        #expect(error?.message.contains("was opened read-only; nothing was changed") == true)
        #expect(try Data(contentsOf: ws.workspace.registerURL) == before)
    }

    @Test("the form rules come from the workspace: its officers, complexities and profile")
    func formRules() async throws {
        let ws = try await EngineWorkspace.make()
        defer { ws.folder.remove() }
        let rules = try await offPool { try ws.casebook().formRules }
        #expect(rules.officers == ["alex", "sam"])
        #expect(rules.complexities == ["standard", "complex", "very-complex"])
        #expect(rules.defaultProfile == .england)
        #expect(rules.now == ws.clock.now())
        #expect(rules.isEmailAddress("a@example.org") && !rules.isEmailAddress("a@"))
    }
}
