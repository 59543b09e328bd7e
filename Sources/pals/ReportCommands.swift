import ArgumentParser
import Casework
import Engine
import Foundation
import Primitives

/// `pals report …`: the national returns and the reports made from the register's coding.
///
/// Each report is a subcommand in its own file, registered with one line in `subcommands`.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Check the coding of complaints and make the returns and reports.",
        subcommands: [
            ReportCheckCommand.self,
            ReportAnnualCommand.self, ReportPerformanceCommand.self,
            KO41Command.KO41a.self,
            KO41Command.KO41b.self,
        ]
    )
}

/// Parses `--year 2026-27`.
func financialYear(_ text: String?) throws -> FinancialYear? {
    guard let text else { return nil }
    do { return try FinancialYear(parsing: text) } catch { throw ValidationError("--year \(error.message)") }
}

extension FinancialYearError {
    /// The message, for a `--year` option.
    var message: String { errorDescription ?? "is not a financial year in the form 2026-27" }
}

/// `pals report check`: the complaints whose coding a return needs and lacks, by reference.
struct ReportCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "List the complaints missing coding a return needs (exit status 1 when there are any).",
        discussion: """
            A complaint received in the year needs its subjects, service area, profession, complainant status and \
            age band; one that ended in the year (responded, withdrawn or closed) needs its outcome. Cases are \
            named by reference only. Without --year, every complaint in the register is checked.
            """)

    @OptionGroup var options: WorkspaceOptions
    @Option(help: ArgumentHelp("The financial year, e.g. 2026-27 (1 April to 31 March).", valueName: "YYYY-YY"))
    var year: String?

    func validate() throws { _ = try financialYear(year) }

    func run() async throws {
        let year = try financialYear(year)
        let gaps = try options.casebook(readOnly: true).codingGaps(year: year)
        let period = year.map { " for \($0)" } ?? ""
        guard !gaps.isEmpty else {
            print("Every complaint has the coding the returns need\(period).")
            return
        }
        for gap in gaps {
            print("\(gap.reference): missing \(gap.missing.joined(separator: ", "))")
        }
        let count = gaps.count == 1 ? "1 complaint lacks" : "\(gaps.count) complaints lack"
        warn("\(count) coding the returns need\(period): code them with `pals case code` or `pals case close`.")
        throw ExitCode(1)
    }
}

/// `pals report ko41a` and `pals report ko41b`: the national return of written complaints for a financial year.
enum KO41Command {
    /// The output form of a return.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, json
    }

    /// What both returns take.
    struct Options: ParsableArguments {
        @OptionGroup var workspace: WorkspaceOptions
        @Option(help: ArgumentHelp("The financial year, e.g. 2026-27 (1 April to 31 March).", valueName: "YYYY-YY"))
        var year: String
        @Option(help: "csv (default) or json.") var format: Format = .csv

        func validate() throws { _ = try financialYear(year) }

        func run(_ collection: KO41Collection) throws {
            guard let year = try financialYear(year) else { return }
            let ko41 = try workspace.casebook(readOnly: true).ko41(collection, year: year)
            switch format {
            case .csv: print(ko41.csv, terminator: "")
            case .json: print(try ko41.json(), terminator: "")
            }
        }
    }

    struct KO41a: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ko41a",
            abstract: "The KO41a return (hospital and community health services) for a financial year.",
            discussion: """
                Counts the written complaints of the year (PALS concerns are not complaints): brought forward, new,                 resolved by outcome, withdrawn or referred, carried forward; and, for the new complaints, age of                 patient, status of complainant, service area, subject and profession, once in each category a                 complaint names. Refused while a complaint it counts lacks coding (see `pals report check`).
                """)
        @OptionGroup var options: Options
        func run() async throws { try options.run(.ko41a) }
    }

    struct KO41b: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ko41b",
            abstract: "The KO41b return (GP and dental practices) for a financial year.",
            discussion: """
                As KO41a without service areas; only for a workspace whose organisation.type is gp-practice or                 dental-practice.
                """)
        @OptionGroup var options: Options
        func run() async throws { try options.run(.ko41b) }
    }
}
