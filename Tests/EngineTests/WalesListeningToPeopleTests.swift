import Casework
import Foundation
import Letters
import PalsTestKit
import Primitives
import Testing

@testable import Engine

/// Wales from 1 April 2026 ("Listening to People", the 2025 amendment of Putting Things Right): a concern received
/// on 31 March 2026 keeps the 2011 rules and one received on 1 April gets the new ones (rule set, early resolution,
/// redress cap, the duties in the acknowledgement); the unconfirmed numbers are warned about until confirmed; the
/// redress response is Welsh only and kept within the cap. Tuesday 31 March and Wednesday 1 April 2026: 2 working
/// days on are 2 and 3 April (Good Friday, 3 April, is a bank holiday, so 1 April's acknowledgement falls on
/// Tuesday 7 April, after Easter Monday).
@Suite("Wales: Listening to People from 2026-04-01")
struct WalesListeningToPeopleTests {
    static let now = "2026-04-01T15:00:00Z"

    /// An invented Welsh concern received on `received` (a day), in `language`.
    static func welsh(_ received: String, language: String = "en", patient: Bool = false) -> Complaint {
        .with {
            $0.fields["profile"] = "wales"
            $0.fields["complexity"] = nil
            $0.fields["received"] = "\(received)T10:00:00Z"
            $0.complainant["language"] = language
            if patient {
                $0.patient = ["title": "Mr", "firstName": "Bryn", "lastName": "Example"]
                $0.fields["consent"] = "received"
            }
        }
    }

    func prepare(
        _ ws: EngineWorkspace, _ kind: LetterKind, _ reference: String, _ inputs: [String: String] = [:]
    ) async throws -> PreparedLetter {
        try await offPool {
            try LetterDesk(casebook: ws.casebook()).prepare(kind, reference: reference, inputs: inputs)
        }
    }

    func refusal(
        _ ws: EngineWorkspace, _ kind: LetterKind, _ reference: String, _ inputs: [String: String]
    ) async -> LetterDeskError? {
        await failure(LetterDeskError.self) {
            _ = try LetterDesk(casebook: ws.casebook()).prepare(kind, reference: reference, inputs: inputs)
        }
    }

    static let duties = [
        "listening discussion", "how you would prefer us to keep in touch", "what outcome you hope for",
        "early resolution", "Llais", "legal advice",
    ]

    // MARK: Rules

    @Test("31 March keeps the 2011 rules; 1 April gets wales-2026, early resolution and the £50,000 cap")
    func rulesByDayOfReceipt() async throws {
        let ws = try await EngineWorkspace.make(now: Self.now)
        defer { ws.folder.remove() }
        let before = try await ws.log(Self.welsh("2026-03-31"))
        let after = try await ws.log(Self.welsh("2026-04-01"))
        let (old, new, oldRules, newRules) = try await offPool {
            let desk = try LetterDesk(casebook: ws.casebook())
            return (
                try desk.deadlines.deadlines(for: before), try desk.deadlines.deadlines(for: after),
                desk.walesRules(for: before), desk.walesRules(for: after)
            )
        }
        #expect(old.ruleSet == "wales-2011")
        #expect(new.ruleSet == "wales-2026")
        #expect(old.stage == nil && new.stage == nil, "early resolution is a step inside the response period")
        #expect(old.acknowledgeBy == day("2026-04-02"))
        #expect(new.acknowledgeBy == day("2026-04-07"), "2 working days: Good Friday and Easter Monday skipped")
        #expect(old.backstop == day("2026-09-30"))
        #expect(new.backstop == day("2026-10-01"))
        #expect(oldRules?.regime == .puttingThingsRight2011)
        #expect(oldRules?.hasEarlyResolution == false)
        #expect(oldRules?.redressCap == 25_000)
        #expect(newRules?.regime == .listeningToPeople2026)
        #expect(newRules?.hasEarlyResolution == true)
        #expect(newRules?.redressCap == 50_000)
        #expect(newRules?.earlyResolutionBy == nil, "no period of its own until the organisation sets one")
    }

    @Test("an English case has no Welsh rules, whatever its day of receipt")
    func englandHasNoWelshRules() async throws {
        let ws = try await EngineWorkspace.make(now: Self.now)
        defer { ws.folder.remove() }
        let england = try await ws.log(.with { $0.fields["received"] = "2026-04-01T10:00:00Z" })
        let rules = try await offPool { try LetterDesk(casebook: ws.casebook()).walesRules(for: england) }
        #expect(rules == nil)
    }

    @Test("walesListeningToPeopleFrom moves the day, never keeps 2011, and a configured period dates early resolution")
    func configuredStart() async throws {
        let made = try await EngineWorkspace.make(now: "2026-06-01T15:00:00Z")
        defer { made.folder.remove() }
        let never = EngineWorkspace(
            made,
            workspace: try made.reconfigured {
                $0.replacingOccurrences(
                    of: "jurisdiction:\n", with: "jurisdiction:\n  walesListeningToPeopleFrom: never\n")
            })
        let june = try await never.log(Self.welsh("2026-06-01"))
        let kept = try await offPool { try LetterDesk(casebook: never.casebook()).deadlines.deadlines(for: june) }
        #expect(kept.ruleSet == "wales-2011")
        let letter = try await prepare(never, .acknowledgement, june.reference)
        #expect(!letter.merged.flatText.contains("listening discussion"))

        let later = EngineWorkspace(
            made,
            workspace: try made.reconfigured {
                $0.replacingOccurrences(
                    of: "  walesListeningToPeopleFrom: never\n", with: "  walesListeningToPeopleFrom: 2026-05-01\n")
                    + "wales:\n  earlyResolutionWorkingDays: 10\n"
            })
        let may = try await later.log(Self.welsh("2026-05-01"))
        let april = try await later.log(Self.welsh("2026-04-30"))
        let (mayRules, aprilSet) = try await offPool {
            let desk = try LetterDesk(casebook: later.casebook())
            return (desk.walesRules(for: may), try desk.deadlines.deadlines(for: april).ruleSet)
        }
        #expect(aprilSet == "wales-2011", "the day before the configured start keeps 2011")
        #expect(mayRules?.regime == .listeningToPeople2026)
        // Friday 1 May 2026: 10 working days on, skipping the bank holidays of 4 and 25 May, is Monday 18 May.
        #expect(mayRules?.earlyResolutionBy == day("2026-05-18"))
        let text = try await prepare(later, .acknowledgement, may.reference).merged.flatText
        #expect(text.contains("through early resolution, and we aim to do this by 18 May 2026."))
    }

    @Test("a walesListeningToPeopleFrom that is not a date is a configuration error naming the key")
    func badStart() throws {
        let yaml = starterConfiguration.replacingOccurrences(
            of: "jurisdiction:\n", with: "jurisdiction:\n  walesListeningToPeopleFrom: April 2026\n")
        #expect {
            _ = try WorkspaceConfiguration.parse(yaml: yaml, file: "pals.yaml", environment: [:])
        } throws: { error in
            "\(error)".contains("jurisdiction.walesListeningToPeopleFrom")
        }
        let unknown = starterConfiguration + "wales:\n  earlyResolutionDays: 5\n"
        #expect {
            _ = try WorkspaceConfiguration.parse(yaml: unknown, file: "pals.yaml", environment: [:])
        } throws: { error in
            "\(error)".contains("earlyResolutionDays")
        }
    }

    // MARK: The acknowledgement

    @Test("the duties are in the 1 April acknowledgement only; neither uses England's \"unless we agree\"")
    func acknowledgements() async throws {
        let ws = try await EngineWorkspace.make(now: Self.now)
        defer { ws.folder.remove() }
        let before = try await ws.log(Self.welsh("2026-03-31"))
        let after = try await ws.log(Self.welsh("2026-04-01"))
        let old = try await prepare(ws, .acknowledgement, before.reference).merged.flatText
        let new = try await prepare(ws, .acknowledgement, after.reference).merged.flatText
        for text in [old, new] {
            #expect(!text.lowercased().contains("unless we agree"))
            #expect(!text.contains("agree a new date"))
            #expect(text.contains("we would like to talk with you about your consent to use them"), "reg 22(4)")
            #expect(text.contains("unless there are exceptional circumstances"))
        }
        #expect(old.contains("We will respond by 30 September 2026 at the latest"))
        for duty in Self.duties {
            #expect(!old.contains(duty), "2011 letter: \(duty)")
            #expect(new.contains(duty), "2026 letter: \(duty)")
        }
        #expect(new.contains("financial compensation of up to £50,000"))
        #expect(new.contains("You can also contact Llais yourself. You can find out more at www.llaiscymru.org."))
        #expect(!new.contains("Free, independent help"), "Llais's offer replaces the general advocacy paragraph")
        #expect(old.contains("Free, independent help"))
    }

    @Test("the Welsh acknowledgement carries the duties in Welsh from 1 April, with the patient's records")
    func welshAcknowledgement() async throws {
        let ws = try await EngineWorkspace.make(now: Self.now, welshForms: true)
        defer { ws.folder.remove() }
        let before = try await ws.log(Self.welsh("2026-03-31", language: "cy", patient: true))
        let after = try await ws.log(Self.welsh("2026-04-01", language: "cy", patient: true))
        let old = try await prepare(ws, .acknowledgement, before.reference).merged
        let new = try await prepare(ws, .acknowledgement, after.reference).merged
        #expect(old.language == .welsh && new.language == .welsh)
        for text in [old.flatText, new.flatText] {
            #expect(text.contains("efallai y bydd angen i ni edrych ar gofnodion iechyd Mr Bryn Example"))
        }
        for phrase in ["sgwrs wrando", "datrys cynnar", "Llais", "£50,000", "cyngor cyfreithiol"] {
            #expect(!old.flatText.contains(phrase), "2011: \(phrase)")
            #expect(new.flatText.contains(phrase), "2026: \(phrase)")
        }
        #expect(!new.flatText.contains("cysylltu â {{"), "no unmerged tag")
    }

    @Test("Llais's details come from the configuration, in the letter's language")
    func llaisFromConfiguration() async throws {
        let made = try await EngineWorkspace.make(now: Self.now)
        defer { made.folder.remove() }
        let ws = EngineWorkspace(
            made,
            workspace: try made.reconfigured {
                $0 + "wales:\n  llais:\n    phone: 01632 960999\n    email: advocacy@llais.example\n"
            })
        let after = try await ws.log(Self.welsh("2026-04-01"))
        let text = try await prepare(ws, .acknowledgement, after.reference).merged.flatText
        #expect(
            text.contains(
                "Their telephone number is 01632 960999. Their email address is advocacy@llais.example. You can find "
                    + "out more at www.llaiscymru.org."))
    }

    // MARK: config check

    static func check(_ extra: String, profile: String = "wales") throws -> [ConfigurationFinding] {
        let yaml =
            starterConfiguration.replacingOccurrences(of: "  profile: england ", with: "  profile: \(profile) ")
            + extra
        let configuration = try WorkspaceConfiguration.parse(yaml: yaml, file: "pals.yaml", environment: [:])
        return ConfigurationCheck(configuration: configuration, environment: [:]).findings(templates: nil)
    }

    @Test("config check warns about each unconfirmed Welsh number, and stops when it is set or confirmed")
    func configCheckWarnings() throws {
        let warned = try Self.check("")
        #expect(warned.allSatisfy { $0.severity == .warning })
        #expect(
            warned.map(\.key) == [
                "wales.earlyResolutionWorkingDays", "deadlines.ruleSets.wales (acknowledgeWorkingDays)",
                "deadlines.ruleSets.wales (responseWorkingDays)", "deadlines.ruleSets.wales (backstopMonths)",
            ])
        for finding in warned {
            #expect(finding.message.contains("(Wales) (Amendment) Regulations 2025"))
            #expect(finding.message.contains("WHC 2026/0061"))
            #expect(finding.message.contains("wales.confirmed: true"))
        }
        #expect(try Self.check("wales:\n  confirmed: true\n").isEmpty)
        let set = try Self.check("wales:\n  earlyResolutionWorkingDays: 10\n")
        #expect(set.count == 3 && !set.map(\.key).contains("wales.earlyResolutionWorkingDays"))
        let yaml =
            starterConfiguration.replacingOccurrences(of: "  profile: england ", with: "  profile: wales ")
            .replacingOccurrences(
                of: "  # keepInformedWorkingDays",
                with: "  ruleSets:\n    wales:\n      - effectiveFrom: 2026-04-01\n        acknowledgeWorkingDays: 2\n"
                    + "        responseWorkingDays: 30\n        backstopMonths: 6\n  # keepInformedWorkingDays")
            + "wales:\n  earlyResolutionWorkingDays: 10\n"
        let configuration = try WorkspaceConfiguration.parse(yaml: yaml, file: "pals.yaml", environment: [:])
        #expect(ConfigurationCheck(configuration: configuration, environment: [:]).findings(templates: nil).isEmpty)
        #expect(try Self.check("").count == 4, "a careless wales.confirmed: false silences nothing")
        #expect(try Self.check("wales:\n  confirmed: false\n").count == 4)
    }

    @Test("an English workspace, or a Welsh one that keeps the 2011 rules, is not warned")
    func noWarningOutsideTheNewRules() throws {
        #expect(try Self.check("", profile: "england").isEmpty)
        let never = try Self.check("").count
        #expect(never == 4)
        let yaml =
            starterConfiguration.replacingOccurrences(of: "  profile: england ", with: "  profile: wales ")
            .replacingOccurrences(of: "jurisdiction:\n", with: "jurisdiction:\n  walesListeningToPeopleFrom: never\n")
        let configuration = try WorkspaceConfiguration.parse(yaml: yaml, file: "pals.yaml", environment: [:])
        #expect(ConfigurationCheck(configuration: configuration, environment: [:]).findings(templates: nil).isEmpty)
    }

    // MARK: Redress response

    static let redress = [
        "liability": "yes", "findings": "The fracture was missed on the first X-ray.",
        "apology": "We are truly sorry.", "financialAmount": "30000",
    ]

    @Test("a redress response offers redress within the cap, legal advice and the PSOW")
    func redressResponse() async throws {
        let ws = try await EngineWorkspace.make(now: Self.now)
        defer { ws.folder.remove() }
        let after = try await ws.log(Self.welsh("2026-04-01"))
        let letter = try await prepare(
            ws, .redressResponse, after.reference,
            Self.redress.merging(["remedialTreatment": "An appointment with a consultant."]) { $1 })
        let text = letter.merged.flatText
        #expect(text.contains("We offer you £30,000 in financial compensation."))
        #expect(text.contains("financial redress for your concern is £50,000"))
        #expect(text.contains("An appointment with a consultant."))
        #expect(text.contains("legal advice about this offer from a solicitor, without charge to you"))
        #expect(text.contains("Public Services Ombudsman for Wales"))
        #expect(letter.merged.subject == "Your concern \(after.reference)")
        let none = try await prepare(
            ws, .redressResponse, after.reference, ["liability": "no", "findings": "The care was right."])
        #expect(none.merged.flatText.contains("there is no qualifying liability"))
        #expect(!none.merged.flatText.contains("We offer you"))
    }

    @Test("a redress response is refused for an English case, naming the resolution letter")
    func redressRefusedInEngland() async throws {
        let ws = try await EngineWorkspace.make(now: Self.now)
        defer { ws.folder.remove() }
        let england = try await ws.log(.with { $0.fields["received"] = "2026-04-01T10:00:00Z" })
        let error = await refusal(ws, .redressResponse, england.reference, Self.redress)
        #expect(error?.code == .notAllowed)
        #expect(error?.message.contains("Welsh NHS bodies") == true)
        #expect(error?.message.contains("resolution letter") == true)
    }

    @Test("over the cap in force on the day of receipt is refused: £25,000 before 1 April, £50,000 from it")
    func redressCap() async throws {
        let ws = try await EngineWorkspace.make(now: Self.now)
        defer { ws.folder.remove() }
        let before = try await ws.log(Self.welsh("2026-03-31"))
        let after = try await ws.log(Self.welsh("2026-04-01"))
        let overOld = await refusal(ws, .redressResponse, before.reference, Self.redress)
        #expect(overOld?.code == .missingInput)
        #expect(overOld?.input == "financialAmount")
        #expect(overOld?.message.contains("£30,000 is over the cap") == true)
        #expect(overOld?.message.contains("(£25,000)") == true)
        let atOld = try await prepare(
            ws, .redressResponse, before.reference, Self.redress.merging(["financialAmount": "£25,000"]) { $1 })
        #expect(atOld.merged.flatText.contains("We offer you £25,000"))
        #expect(atOld.merged.flatText.contains("is £25,000."))
        let overNew = await refusal(
            ws, .redressResponse, after.reference, Self.redress.merging(["financialAmount": "50000.01"]) { $1 })
        #expect(overNew?.message.contains("£50,000.01 is over the cap") == true)
    }

    @Test(
        "careless redress inputs are refused with the input named",
        arguments: [
            (["liability": "maybe"], "liability"),
            (["financialAmount": "lots"], "financialAmount"),
            (["financialAmount": "-5"], "financialAmount"),
            (["financialAmount": "0"], "financialAmount"),
            (["financialAmount": "12.5"], "financialAmount"),
            (["liability": "no"], "financialAmount"),
            (["liability": "no", "financialAmount": "", "remedialTreatment": "A new hip."], "remedialTreatment"),
            (["financialAmount": "", "apology": ""], "financialAmount"),
        ])
    func carelessInputs(_ change: [String: String], _ input: String) async throws {
        let ws = try await EngineWorkspace.make(now: Self.now)
        defer { ws.folder.remove() }
        let after = try await ws.log(Self.welsh("2026-04-01"))
        let inputs = Self.redress.merging(change) { $1 }.filter { !$0.value.isEmpty }
        let error = await refusal(ws, .redressResponse, after.reference, inputs)
        #expect(error?.input == input, "\(change)")
    }

    @Test("a redress response is a final response: refused after one, and while consent is awaited")
    func redressIsTheFinalResponse() async throws {
        let ws = try await EngineWorkspace.make(now: Self.now)
        defer { ws.folder.remove() }
        let awaiting = try await ws.log(
            .with {
                $0.fields["profile"] = "wales"
                $0.fields["complexity"] = nil
                $0.fields["received"] = "2026-04-01T10:00:00Z"
                $0.patient = ["title": "Mr", "firstName": "Bryn", "lastName": "Example"]
                $0.fields["consent"] = "requested"
            })
        let awaited = await refusal(ws, .redressResponse, awaiting.reference, Self.redress)
        #expect(awaited?.code == .notAllowed)
        let after = try await ws.log(Self.welsh("2026-04-01"))
        let inputs = Self.redress.merging(["financialAmount": "1000"]) { $1 }
        try await offPool {
            _ = try Postroom(casebook: ws.casebook()).sendLetter(
                .redressResponse, reference: after.reference, inputs: inputs)
        }
        let again = await refusal(ws, .redressResponse, after.reference, Self.redress)
        #expect(again?.code == .notAllowed)
        #expect(again?.message.contains("final response has already been sent") == true)
    }
}
