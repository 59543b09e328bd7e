import ArgumentParser
import Casework
import Engine
import Foundation
import Primitives
import WorkingDays

/// `pals deadlines …`: what is due, and the officer's calculator.
struct DeadlinesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deadlines",
        abstract: "Show open cases by urgency, or calculate the deadlines of a date.",
        subcommands: [Board.self, Calc.self],
        defaultSubcommand: Board.self
    )

    struct Board: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract:
                "Open cases with what is due next, working days left and a red/amber/green state, most urgent first."
        )

        @OptionGroup var options: WorkspaceOptions
        @Option(help: ArgumentHelp("Only cases of this officer (id).", valueName: "id")) var officer: String?
        @Option(help: ArgumentHelp("Only deadlines within this many working days (and overdue ones).", valueName: "n"))
        var within: Int?
        @Flag(help: "Only overdue deadlines.") var overdue = false
        @Flag(help: "Print JSON.") var json = false
        @Flag(help: "Print CSV.") var csv = false

        func validate() throws {
            if json && csv { throw ValidationError("choose one of --json and --csv") }
            if let within, within < 0 { throw ValidationError("--within must be 0 or more") }
        }

        func run() async throws {
            let book = try options.casebook(readOnly: true)
            let desk = try DeadlineDesk(workspace: book.workspace)
            // Row by row from the register: only the board's items are held, and JSON is written as it is laid out.
            let board = try desk.board(
                of: book.register, CaseFilter(openOnly: true, officer: officer), today: book.clock.today(),
                within: within, overdueOnly: overdue)
            // A case that cannot be computed is named, never a reason to show nothing: on the table, and on
            // standard error for the machine formats (whose shape stays the same).
            if json {
                try DeadlineReports.writeJSON(board.items, to: BufferedOutput())
                DeadlineReports.problemLines(board.problems).forEach(warn)
            } else if csv {
                print(DeadlineReports.csv(board.items), terminator: "")
                DeadlineReports.problemLines(board.problems).forEach(warn)
            } else {
                print(DeadlineReports.table(board.items, problems: board.problems, colour: isatty(STDOUT_FILENO) == 1))
            }
        }
    }

    struct Calc: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Calculate acknowledge-by, respond-by and backstop dates for a date of receipt.",
            discussion: "Inside a workspace its overrides and closure days apply; outside one, the statutory defaults."
        )

        @OptionGroup var options: WorkspaceOptions
        @Option(
            help: ArgumentHelp(
                "england, wales, scotland, northern-ireland or northern-ireland-mchp.", valueName: "profile"))
        var profile: String
        @Option(help: ArgumentHelp("The stage (staged profiles only): 1 or 2.", valueName: "1|2")) var stage: Int?
        @Option(
            help: ArgumentHelp("The date of receipt (for stage 2, the date of escalation).", valueName: "YYYY-MM-DD"))
        var received: String
        @Option(help: ArgumentHelp("A complexity that picks England's response target.", valueName: "name"))
        var complexity: String?
        @Flag(help: "Print one JSON object.") var json = false

        func run() async throws {
            let id: ProfileID = try optionChoice(profile, "--profile")!
            guard let day = CivilDate(iso: received) else {
                throw ValidationError("--received '\(received)' is not a date in the form YYYY-MM-DD")
            }
            let workspace = try? options.open()
            let desk = DeadlineDesk(
                configuration: workspace?.configuration,
                holidayData: try DeadlineDesk.holidayData(in: workspace?.root))
            let deadlines = try desk.calculate(profile: id, stage: stage, received: day, complexity: complexity)
            if json {
                let data = try CaseReports.jsonEncoder().encode(deadlines)
                print(String(decoding: data, as: UTF8.self))
            } else {
                print(DeadlineReports.text(deadlines))
            }
        }
    }
}

/// `pals holidays …`: the bank-holiday calendars.
struct HolidaysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "holidays",
        abstract: "List bank holidays, or import a newer GOV.UK bank-holidays.json.",
        subcommands: [List.self, Import.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the bank holidays of a division (from the GOV.UK data, or by the rules beyond it)."
        )

        @OptionGroup var options: WorkspaceOptions
        @Option(
            help: ArgumentHelp("england-and-wales, scotland or northern-ireland (default: all).", valueName: "division")
        )
        var division: String?
        @Option(help: ArgumentHelp("The year (default: this year).", valueName: "year")) var year: Int?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let divisions: [Division] = try division.map { [try optionChoice($0, "--division")!] } ?? Division.allCases
            let workspace = try? options.open()
            let data = try DeadlineDesk.holidayData(in: workspace?.root)
            let clock = try Clock.process(options.environment)
            let year = self.year ?? clock.today().year
            let holidays = divisions.flatMap { division in
                WorkingDayCalendar(division: division, data: data).holidays(inYear: year)
            }
            if json {
                try printJSON(holidays)
            } else {
                print(
                    "Bank holidays \(year) — \(data.covers(year: year, division: divisions[0]) ? "GOV.UK data \(data.version)" : "computed by the rules (outside the GOV.UK data)")"
                )
                print(
                    TextTable.render(
                        header: ["DATE", "DAY", "DIVISION", "HOLIDAY"],
                        rows: holidays.map {
                            [
                                $0.date.iso, "\($0.date.weekday)".prefix(3).capitalized, $0.division.rawValue,
                                $0.title + ($0.notes.isEmpty ? "" : " (\($0.notes))"),
                            ]
                        }))
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a newer GOV.UK bank-holidays.json into the workspace (invalid files change nothing)."
        )

        @OptionGroup var options: WorkspaceOptions
        @Argument(help: ArgumentHelp("The downloaded file.", valueName: "file")) var file: String

        func run() async throws {
            let workspace = try options.open()
            guard let contents = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read \(file)")
            }
            let data = try HolidayData(json: contents)
            try PrivateFiles.write(contents, to: workspace.root.appending(path: DeadlineDesk.importedHolidaysFileName))
            print("Imported \(data.version); deadlines now use it.")
        }
    }
}
