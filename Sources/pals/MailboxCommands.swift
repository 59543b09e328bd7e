import ArgumentParser
import Casework
import Engine
import Foundation
import Primitives

extension CaseCommand {
    /// `pals case triage`: an officer takes on a case that came in by the team mailbox.
    struct Triage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take on a case from the team mailbox: give it an officer, and open it.",
            discussion: """
                A case made from an email waits in triage, with no officer and no acknowledgement (its sender had \
                an automatic receipt). Once triaged it is open, and pals sends its statutory acknowledgement by \
                itself while the daemon runs. Give --name when the email did not say the sender's name.
                """
        )

        @OptionGroup var options: WorkspaceOptions
        @Argument(help: "The case reference.") var reference: String
        @Option(help: ArgumentHelp("The officer who handles the case (id).", valueName: "id")) var officer: String
        @Option(help: ArgumentHelp("The jurisdiction profile, when not the workspace's.", valueName: "profile"))
        var profile: String?
        @Option(
            help: ArgumentHelp(
                "What the case is: complaint (the default) or concern (no statutory acknowledgement).",
                valueName: "kind"))
        var kind: String?
        @Option(help: ArgumentHelp("The complainant's name, first names then last name.", valueName: "name"))
        var name: String?

        func validate() throws {
            _ = try optionChoice(profile, "--profile") as ProfileID?
            _ = try optionChoice(kind, "--kind") as CaseKind?
            if let name, PersonName(name) == nil { throw ValidationError("--name must not be empty") }
        }

        func run() async throws {
            let triaged = try options.casebook().triage(
                reference, officer: officer, profile: try optionChoice(profile, "--profile"),
                kind: try optionChoice(kind, "--kind"), complainantName: name.flatMap(PersonName.init))
            print(
                "Triaged \(triaged.reference) as a \(triaged.kind == .concern ? "PALS concern" : "complaint"): "
                    + "officer \(triaged.officer), status \(triaged.status.rawValue)")
        }
    }
}

extension IntakeCommand {
    /// `pals intake list`: the mailbox cases waiting for triage.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the cases from the team mailbox that wait for triage, oldest first.")

        @OptionGroup var options: WorkspaceOptions
        @Flag(help: "Print JSON instead of a table.") var json = false
        @Flag(help: "Also list the latest mail that made no new case: automatic mail, bounces, replies to cases.")
        var all = false

        func run() async throws {
            let book = try options.casebook(readOnly: true)
            let entries = try MailboxReports.untriaged(book)
            guard all else {
                if json {
                    try printJSON(entries)
                } else {
                    print(MailboxReports.table(entries, today: book.clock.today()))
                }
                return
            }
            guard let register = book.register as? CaseRegister else {
                throw ValidationError("the inbound ledger needs the workspace's case register")
            }
            let recent = try MailboxReports.recentOutcomes(
                InboundLedger(register: register, workspaceRoot: book.workspace.root))
            if json {
                try printJSON(Everything(untriaged: entries, recent: recent))
            } else {
                print(MailboxReports.table(entries, today: book.clock.today()))
                print("")
                print(MailboxReports.outcomesTable(recent))
            }
        }

        /// `--all --json`: the untriaged cases and the recent mail that made no new case.
        struct Everything: Encodable {
            var untriaged: [MailboxReports.Entry]
            var recent: [MailboxReports.Outcome]
        }
    }
}
