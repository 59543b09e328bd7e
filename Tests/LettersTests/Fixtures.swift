import Foundation
import Letters
import PalsTestKit
import Testing

/// Shared fixtures: the shipped templates, invented cases, golden files and poppler subprocesses.
enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let templates = packageRoot.appendingPathComponent("Templates")
    static let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Snapshots")

    /// The shipped library, loaded once.
    static let library: LetterLibrary = {
        do { return try LetterLibrary.load(from: templates) } catch {
            fatalError("shipped templates do not load: \(error)")
        }
    }()

    enum Jurisdiction: String, CaseIterable, Sendable {
        case england, wales, scotland, northernIreland
    }

    /// A merge context for an invented case; every person here is made up.
    static func context(
        _ jurisdiction: Jurisdiction = .england, language: LetterLanguage = .english, hasPatient: Bool = true
    ) -> MergeContext {
        let welsh = language == .welsh
        func date(_ day: Int, _ month: Int, _ year: Int) -> MergeValue {
            .string(LetterDateFormatter.string(year: year, month: month, day: day, language: language))
        }
        var c: MergeContext = [
            "organisation.addressLines": [
                "Patient Advice and Liaison Service", "Riverside House", "1 Example Road", "Exampleton",
            ],
            "organisation.phone": "01632 960000",
            "organisation.email": "pals@riverside.example",
            "organisation.web": "https://riverside.example/pals",
            "manager.name": "Alex Morgan", "manager.role": "Complaints Manager",
            "signatory.name": "Alex Morgan",
            "signatory.role": welsh ? "Rheolwr Cwynion" : "Complaints Manager",
            "officer.name": "Sam Patel", "officer.email": "sam.patel@riverside.example",
            "officer.phone": "01632 960001",
            "case.reference": "PALS-2026-0042", "case.received": date(23, 11, 2026), "case.channel": "email",
            "case.summary": "Invented summary of a complaint about a clinic appointment", "case.service": "Outpatients",
            "case.stage": "2",
            "deadlines.acknowledgeBy": date(26, 11, 2026), "deadlines.respondBy": date(8, 1, 2027),
            // The letter is dated 25 November 2026, before the response date.
            "deadlines.respondByHasPassed": false,
            "recipient.salutation": welsh ? "Mr Llŷr" : "Ms Jones",
            "recipient.fullName": welsh ? "Mr Dafydd Llŷr" : "Ms Eve Jones",
            "recipient.addressLines": welsh
                ? ["Tŷ'r Ŵyl", "Heol y Bont", "Aberystwyth"] : ["12 Sample Street", "Exampleton"],
            "recipient.postcode": welsh ? "SY23 9ZZ" : "EX1 9ZZ",
            "recipient.email": "eve.jones@example.com",
            "complainant.title": welsh ? "Mr" : "Ms", "complainant.firstName": welsh ? "Dafydd" : "Eve",
            "complainant.lastName": welsh ? "Llŷr" : "Jones",
            "complainant.fullName": welsh ? "Dafydd Llŷr" : "Eve Jones",
            "hasPatient": .bool(hasPatient),
            "consent.needed": .bool(hasPatient), "consent.requested": .bool(hasPatient), "consent.received": false,
            "consent.refused": false, "consent.formEnclosed": .bool(hasPatient),
            "letter.date": date(25, 11, 2026),
            "jurisdiction.england": .bool(jurisdiction == .england),
            "jurisdiction.wales": .bool(jurisdiction == .wales),
            "jurisdiction.scotland": .bool(jurisdiction == .scotland),
            "jurisdiction.northernIreland": .bool(jurisdiction == .northernIreland),
            "advocacy.phone": "0300 000 0100", "advocacy.web": "https://advocacy.example",
            "ombudsman.phone": "0300 000 0200",
        ]
        if hasPatient { c["patient.fullName"] = welsh ? "Gwenllïan Llŷr" : "Tom Jones" }
        switch jurisdiction {
        case .england:
            c["organisation.name"] = "Riverside NHS Foundation Trust"
            c["deadlines.backstop"] = date(24, 5, 2027)
            c["advocacy.name"] = "Example Independent Complaints Advocacy"
            c["ombudsman.name"] = "the Parliamentary and Health Service Ombudsman"
            c["ombudsman.shortName"] = "PHSO"
        case .wales:
            c["organisation.name"] = welsh ? "Bwrdd Iechyd Prifysgol Glan-yr-Afon" : "Riverside University Health Board"
            c["advocacy.name"] = welsh ? "Eiriolaeth Enghreifftiol" : "Example Advocacy Wales"
            c["advocacy.email"] = "help@advocacy.example"
            c["ombudsman.name"] =
                welsh ? "Ombwdsmon Gwasanaethau Cyhoeddus Cymru" : "the Public Services Ombudsman for Wales"
            c["ombudsman.shortName"] = welsh ? "OGCC" : "PSOW"
        case .scotland:
            c["organisation.name"] = "NHS Riverside"
            c["advocacy.name"] = "Example Patient Advice and Support Service"
            c["ombudsman.name"] = "the Scottish Public Services Ombudsman"
            c["ombudsman.shortName"] = "SPSO"
        case .northernIreland:
            c["organisation.name"] = "Riverside Health and Social Care Trust"
            c["advocacy.name"] = "Example Advocacy NI"
            c["ombudsman.name"] = "the Northern Ireland Public Services Ombudsman"
            c["ombudsman.shortName"] = "NIPSO"
        }
        c["ombudsman.theName"] = c["ombudsman.name"]
        // The officer signs every letter but the final response (which the signatory signs: the Engine decides).
        c["signer.name"] = "Sam Patel"
        c["signer.role"] = welsh ? "Swyddog Cwynion" : "Complaints Officer"
        c["timeLimit.months"] = jurisdiction == .scotland ? "6" : "12"
        c["case.isConcern"] = false
        c["ombudsman.web"] = .string("https://ombudsman.example/\(jurisdiction.rawValue.lowercased())")
        c["ombudsman.addressLines"] = ["Ombudsman House", "2 Example Square", "Exampleton", "EX2 1AA"]
        return c
    }

    /// Adds the officer inputs of a kind to a context.
    static func withInputs(_ context: MergeContext, kind: LetterKind, language: LetterLanguage = .english)
        -> MergeContext
    {
        var c = context
        let welsh = language == .welsh
        switch kind {
        case .holding:
            c["inputs.reason"] =
                welsh
                ? "Rydym yn aros am ddatganiadau gan ddau aelod o staff sydd ar wyliau ar hyn o bryd."
                : "We are waiting for statements from two members of staff who are on leave at the moment."
            c["inputs.newDate"] = .string(LetterDateFormatter.string(year: 2027, month: 2, day: 5, language: language))
        case .resolution:
            c["inputs.consideration"] =
                welsh
                ? "Gwnaethom adolygu cofnodion y clinig a siarad â'r staff a oedd yn gweithio'r diwrnod hwnnw."
                : "We reviewed the clinic records and spoke with the staff who were working that day."
            c["inputs.findings"] =
                welsh
                ? [
                    "Cafodd eich apwyntiad ei ganslo heb rybudd digonol.",
                    "Ni chawsoch wybod am y dyddiad newydd yn ysgrifenedig.",
                ]
                : [
                    "Your appointment was cancelled without enough notice.",
                    "You were not told of the new date in writing.",
                ]
            c["inputs.actions"] =
                welsh
                ? [
                    "Mae'r clinig wedi newid sut mae'n rhoi gwybod i gleifion am newidiadau.",
                    "Bydd y staff yn cael hyfforddiant erbyn mis Mawrth.",
                ]
                : ["The clinic has changed how it tells patients about changes.", "Staff will be trained by March."]
            c["inputs.apology"] =
                welsh
                ? "Mae'n wir ddrwg gennym am y gofid a achoswyd i chi."
                : "We are truly sorry for the distress this caused you."
        case .outOfTime:
            c["inputs.decision"] = "We have decided that we can still look into your complaint."
            c["inputs.reason"] =
                "You were in hospital for much of the past year, which is a good reason for the delay, and the records we need are still available."
        case .reminderDigest:
            c["digest.officerName"] = "Sam Patel"
            c["digest.date"] = "25 November 2026"
            c["digest.items"] = [
                [
                    "reference": "PALS-2026-0040", "deadline": "response", "due": "25 November 2026",
                    "daysRemaining": "0", "state": "RED",
                ],
                [
                    "reference": "PALS-2026-0042", "deadline": "acknowledgement", "due": "26 November 2026",
                    "daysRemaining": "1", "state": "AMBER",
                ],
                [
                    "reference": "PALS-2026-0045", "deadline": "response", "due": "8 January 2027",
                    "daysRemaining": "28", "state": "GREEN",
                ],
            ]
        case .concernResolution:
            c["inputs.outcome"] = .string(
                "I spoke to the clinic manager, who has booked your appointment for 2 December 2026 at 10:00 and "
                    + "will send you a letter confirming it.")
        case .withdrawn:
            c["inputs.withdrawnOn"] = .string(
                LetterDateFormatter.string(year: 2026, month: 11, day: 24, language: language))
        case .redirected:
            c["inputs.body"] = "Exampleton Community Health Services"
            c["inputs.agreedOn"] = .string(
                LetterDateFormatter.string(year: 2026, month: 11, day: 24, language: language))
            c["inputs.bodyContact"] = "0300 000 0300, or complaints@community.example"
        case .mpLetter:
            c["recipient.salutation"] = "Jane Smith MP"
            c["recipient.fullName"] = "Jane Smith MP"
            c["recipient.addressLines"] = ["House of Commons", "London"]
            c["recipient.postcode"] = "SW1A 0AA"
            c["inputs.mpName"] = "Jane Smith MP"
            c["inputs.mpLetterDate"] = .string(
                LetterDateFormatter.string(year: 2026, month: 11, day: 20, language: language))
            c["inputs.consentOn"] = .string(
                LetterDateFormatter.string(year: 2026, month: 11, day: 22, language: language))
            c["inputs.reply"] = .string(
                "We have looked into your constituent's complaint. Their clinic appointment was cancelled without "
                    + "enough notice, and we have apologised to them and booked a new appointment.")
        case .redressResponse:
            c["inputs.liability"] = "yes"
            c["inputs.findings"] =
                welsh
                ? "Ni chafodd y toriad ei weld ar y pelydr-X cyntaf, a chafodd eich triniaeth ei gohirio am bythefnos."
                : "The fracture was missed on the first X-ray, and your treatment was delayed by two weeks."
            c["inputs.apology"] =
                welsh
                ? "Mae'n wir ddrwg gennym am y boen a'r gofid a achoswyd i chi."
                : "We are truly sorry for the pain and distress this caused you."
            c["inputs.remedialTreatment"] =
                welsh
                ? "Rydym wedi trefnu apwyntiad i chi gydag ymgynghorydd orthopedig."
                : "We have arranged an appointment for you with an orthopaedic consultant."
            c["inputs.financialAmount"] = "2500"
            c["redress.liabilityFound"] = true
            c["redress.noLiability"] = false
            c["redress.financialAmount"] = "£2,500"
            c["wales.redressCap"] = "£50,000"
        default: break
        }
        return c
    }

    /// Compares `actual` with `Snapshots/<name>`, or records it when PALS_RECORD_SNAPSHOTS=1.
    static func assertSnapshot(_ actual: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation)
    {
        let url = snapshots.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["PALS_RECORD_SNAPSHOTS"] == "1" {
            try? FileManager.default.createDirectory(at: snapshots, withIntermediateDirectories: true)
            try? actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record(
                "no golden file Snapshots/\(name); record it with PALS_RECORD_SNAPSHOTS=1",
                sourceLocation: sourceLocation)
            return
        }
        #expect(actual == expected, "differs from Snapshots/\(name)", sourceLocation: sourceLocation)
    }

    /// A scratch folder, removed by the caller.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("letters-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A copy of the shipped templates to break on purpose.
    static func copyOfTemplates() throws -> URL {
        let folder = try temporaryFolder()
        let copy = folder.appendingPathComponent("Templates")
        // Resolve symlinks first: copying a link to the templates would let a test edit the real ones.
        try FileManager.default.copyItem(at: templates.resolvingSymlinksInPath(), to: copy)
        let attributes = try FileManager.default.attributesOfItem(atPath: copy.path)
        precondition(
            attributes[.type] as? FileAttributeType == .typeDirectory, "the copy of the templates is not a folder")
        return copy
    }

    /// Runs a program and returns its standard output; it runs, and is waited for, off the cooperative pool.
    static func run(_ program: String, _ arguments: [String]) async throws -> String {
        try await offPool { try runBlocking(program, arguments) }
    }

    private static func runBlocking(_ program: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(
                .fileReadUnknown,
                userInfo: [NSLocalizedDescriptionKey: "\(program) exited \(process.terminationStatus)"])
        }
        return String(decoding: data, as: UTF8.self)
    }
}

extension String {
    /// Replaces `old` in a file's text; fails the test if it is not there.
    static func edit(
        _ file: URL, replacing old: String, with new: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains(old), "\(file.lastPathComponent) does not contain \(old)", sourceLocation: sourceLocation)
        try text.replacingOccurrences(of: old, with: new).write(to: file, atomically: true, encoding: .utf8)
    }
}
