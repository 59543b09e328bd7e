import ArgumentParser
import Casework
import Engine
import Foundation
import Primitives
import WorkingDays

/// `pals case …`: log and look after complaints.
struct CaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case",
        abstract: "Log, show, list, update and close complaints.",
        subcommands: [
            New.self, Show.self, List.self, Update.self, Close.self, Convert.self, Triage.self, Code.self,
            Ombudsman.self, RecordSent.self,
        ]
    )

    struct New: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Log a new complaint from a JSON file and print its reference.",
            discussion: """
                The JSON format is described in the README (see Examples/complaint.json). Only the new reference is \
                printed on standard output, so a script can capture it: REF=$(pals case new --file c.json).
                """
        )

        @OptionGroup var options: WorkspaceOptions

        @Option(help: ArgumentHelp("The case JSON file, or - for standard input.", valueName: "file"))
        var file: String

        func run() async throws {
            let data: Data
            if file == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                guard let contents = FileManager.default.contents(atPath: file) else {
                    throw ValidationError("cannot read the case file \(file)")
                }
                data = contents
            }
            let logged = try options.casebook().log(json: data)
            print(logged.reference)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a case and its history.")

        @OptionGroup var options: WorkspaceOptions
        @Argument(help: "The case reference, e.g. PALS-2026-0042.") var reference: String
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() async throws {
            let book = try options.casebook(readOnly: true)
            let found = try book.register.get(reference)
            let history = try book.register.events(for: reference)
            if json {
                try printJSON(CaseReports.Detail(case: found, history: history))
            } else {
                let desk = Result { try DeadlineDesk(workspace: book.workspace) }
                let deadlines: Result<CaseDeadlines, any Error> = desk.flatMap { desk in
                    Result { try desk.deadlines(for: found) }
                }
                let target = try? desk.get().concernTarget(received: found.receivedDate, profile: found.profile)
                let statements = (try? (book.register as? any StatementStore)?.statementRequests(for: reference)) ?? []
                print(
                    CaseReports.text(
                        found, history: history, deadlines: deadlines,
                        concernTarget: found.kind == .concern ? target : nil, statements: statements))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List cases, oldest first.")

        @OptionGroup var options: WorkspaceOptions
        @Flag(help: "Only open cases (open or awaiting consent).") var open = false
        @Option(help: ArgumentHelp("Only cases of this officer (id).", valueName: "id")) var officer: String?
        @Flag(help: "Print JSON instead of a table.") var json = false

        func run() async throws {
            let cases = try options.casebook(readOnly: true).register.cases(
                CaseFilter(openOnly: open, officer: officer))
            if json { try printJSON(cases) } else { print(CaseReports.table(cases)) }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change what an officer changes on a case.",
            discussion: "Each change is recorded in the case history (which fields changed, not personal values)."
        )

        @OptionGroup var options: WorkspaceOptions
        @Argument(help: "The case reference.") var reference: String
        @Option(help: ArgumentHelp("Assign the case to this officer (id).", valueName: "id")) var officer: String?
        @Option(help: ArgumentHelp("open, awaiting-consent, responded or withdrawn.", valueName: "status")) var status:
            String?
        @Option(help: ArgumentHelp("The response date agreed with the complainant.", valueName: "YYYY-MM-DD"))
        var agreedResponseDate: String?
        @Flag(
            help: """
                The --agreed-response-date was agreed with the complainant (recorded as an agreement; in England \
                it moves the six-month backstop, and only before the backstop passes).
                """)
        var agreedWithComplainant = false
        @Option(
            help: ArgumentHelp(
                "not-needed, requested, received, refused, deceased-representative or lacks-capacity.",
                valueName: "state")) var consent: String?
        @Option(help: ArgumentHelp("Escalate to stage 2 (staged profiles); its clock starts today.", valueName: "1|2"))
        var stage: Int?
        @Option(help: ArgumentHelp("The complexity that picks the response target.", valueName: "name")) var complexity:
            String?
        @Option(help: ArgumentHelp("The complainant's email address (empty to remove).", valueName: "address"))
        var email: String?
        @Option(help: ArgumentHelp("The complainant's phone number (empty to remove).", valueName: "number")) var phone:
            String?
        @Option(help: ArgumentHelp("An address line; repeat for each line (replaces the address).", valueName: "line"))
        var addressLine: [String] = []
        @Option(help: ArgumentHelp("The complainant's postcode.", valueName: "postcode")) var postcode: String?
        @Option(help: ArgumentHelp("email or post.", valueName: "how")) var preferredContact: String?
        @Option(help: ArgumentHelp("en, cy or cy-en (bilingual).", valueName: "code")) var language: String?
        @Option(
            help: ArgumentHelp(
                "Accessible-information needs, comma-separated (large-print, easy-read, braille, audio, bsl, another-language; empty for none).",
                valueName: "needs"))
        var accessibleInformation: String?
        @Option(
            help: ArgumentHelp(
                "The language letters are translated into, for another-language (empty to remove).",
                valueName: "language"))
        var interpreterLanguage: String?
        @Flag(help: "Clear the \"needs attention\" flag once a failed or held letter has been dealt with.")
        var clearAttention = false

        func validate() throws {
            _ = try changes()
        }

        func changes() throws -> CaseChanges {
            var changes = CaseChanges()
            changes.officer = officer
            changes.status = try optionChoice(status, "--status")
            if let agreedResponseDate {
                guard let date = CivilDate(iso: agreedResponseDate) else {
                    throw ValidationError(
                        "--agreed-response-date '\(agreedResponseDate)' is not a date in the form YYYY-MM-DD")
                }
                changes.agreedResponseDate = date
            }
            if agreedWithComplainant, agreedResponseDate == nil {
                throw ValidationError("--agreed-with-complainant needs --agreed-response-date, the date agreed")
            }
            changes.agreedWithComplainant = agreedWithComplainant
            changes.consent = try optionChoice(consent, "--consent")
            changes.stage = stage
            changes.complexity = complexity
            changes.email = email
            changes.phone = phone
            changes.addressLines = addressLine.isEmpty ? nil : addressLine
            changes.postcode = postcode
            changes.preferredContact = try optionChoice(preferredContact, "--preferred-contact")
            changes.language = try optionChoice(language, "--language")
            if let accessibleInformation {
                changes.accessibleInformation = try accessibleInformation.split(separator: ",").map {
                    try optionChoice(String($0).trimmingCharacters(in: .whitespaces), "--accessible-information")!
                }
            }
            changes.interpreterLanguage = interpreterLanguage
            changes.clearAttention = clearAttention
            return changes
        }

        func run() async throws {
            let updated = try options.casebook().update(reference, try changes())
            print("Updated \(updated.reference)")
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close a case (its correspondence is kept for the retention period).",
            discussion: """
                A complaint closes with its outcome (--outcome); a withdrawn complaint closes as withdrawn unless \
                another is given. A PALS concern may close without one.
                """)

        @OptionGroup var options: WorkspaceOptions
        @Argument(help: "The case reference.") var reference: String
        @Option(
            help: ArgumentHelp(
                "How the complaint ended: \(CaseOutcome.allCases.map(\.rawValue).joined(separator: ", ")).",
                valueName: "outcome"))
        var outcome: String?

        func validate() throws { _ = try optionChoice(outcome, "--outcome") as CaseOutcome? }

        func run() async throws {
            let closed = try options.casebook().close(reference, outcome: try optionChoice(outcome, "--outcome"))
            print("Closed \(closed.reference)")
        }
    }
}

/// Parses an option's value into one of an enumeration's cases, naming the choices when it is not one.
func optionChoice<T: RawRepresentable & CaseIterable>(_ raw: String?, _ option: String) throws -> T?
where T.RawValue == String {
    guard let raw else { return nil }
    guard let value = T(rawValue: raw) else {
        throw ValidationError("\(option) '\(raw)' is not one of: \(T.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return value
}
