import ArgumentParser
import Casework
import Engine
import Foundation
import Primitives

/// `pals statement …`: ask another department for a statement about a case, and record its reply.
struct StatementCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "statement",
        abstract: "Ask another department for a statement about a case, and record the reply.",
        discussion: """
            The request goes by email to the department (reference only in the subject, no patient details in \
            the message). pals daemon chases it before and after its due date until it is recorded as received.
            """,
        subcommands: [Request.self, Received.self, List.self]
    )

    struct Request: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ask a department for a statement about a case.")

        @OptionGroup var options: WorkspaceOptions
        @Argument(help: "The case reference.") var reference: String
        @Option(help: ArgumentHelp("The email address of the department or member of staff.", valueName: "address"))
        var to: String
        @Option(help: ArgumentHelp("The department or service asked, e.g. \"Ward 7\".", valueName: "name"))
        var department: String
        @Option(
            help: ArgumentHelp(
                "When the statement is due (default: statements.dueWorkingDays working days from today).",
                valueName: "YYYY-MM-DD"))
        var due: String?

        func validate() throws {
            if let due, CivilDate(iso: due) == nil {
                throw ValidationError("--due '\(due)' is not a date in the form YYYY-MM-DD")
            }
        }

        func run() async throws {
            let desk = StatementDesk(postroom: try options.postroom())
            let request = try desk.request(
                reference, to: to, department: department, due: due.flatMap(CivilDate.init(iso:)))
            print("Requested statement \(request.id) of \(request.reference), due \(request.due.iso)")
        }
    }

    struct Received: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record that a requested statement was received.")

        @OptionGroup var options: WorkspaceOptions
        @Argument(help: "The case reference.") var reference: String
        @Argument(help: "The statement's id, e.g. S1 (see `pals statement list REF`).") var id: String

        func run() async throws {
            let desk = StatementDesk(postroom: try options.postroom())
            let request = try desk.received(reference, id: id)
            print("Recorded statement \(request.id) of \(request.reference) as received")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the statement requests of a case.")

        @OptionGroup var options: WorkspaceOptions
        @Argument(help: "The case reference.") var reference: String
        @Flag(help: "Print JSON instead of a table.") var json = false

        func run() async throws {
            let desk = StatementDesk(postroom: try options.postroom())
            let requests = try desk.requests(for: reference)
            if json { try printJSON(requests) } else { print(CaseReports.statements(requests)) }
        }
    }
}
