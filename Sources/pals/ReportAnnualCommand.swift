import ArgumentParser
import Casework
import Engine
import Foundation
import Primitives

/// `pals report annual --year 2026-27`: the annual complaints report as PDF and HTML.
struct ReportAnnualCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annual",
        abstract: "Write the annual complaints report of a financial year as PDF and HTML.",
        discussion: """
            Writes annual-report-YYYY-YY.pdf (tagged, A4) and .html into --output (default: the workspace's \
            Reports folder). The report follows the workspace profile's law: England's regulation 18, the Welsh \
            Putting Things Right regulation 51, the SPSO or NIPSO model procedure's indicators, or Northern \
            Ireland's HSC procedure. Counts only; no person or case is named.
            """)

    @OptionGroup var options: WorkspaceOptions
    @Option(help: ArgumentHelp("The financial year, e.g. 2026-27 (1 April to 31 March).", valueName: "YYYY-YY"))
    var year: String
    @Option(help: ArgumentHelp("The folder to write into (default: the workspace's Reports folder).", valueName: "dir"))
    var output: String?
    @Option(
        help: ArgumentHelp(
            "A text file with the matters of general importance and the action taken (paragraphs separated by "
                + "blank lines).", valueName: "file"))
    var generalImportance: String?

    func validate() throws { _ = try financialYear(year) }

    func run() async throws {
        guard let year = try financialYear(year) else { return }
        let book = try options.casebook(readOnly: true)
        let matters = try generalImportance.map {
            try ReportFiles.paragraphs(fromFile: Workspace.resolve($0, currentDirectory: currentDirectory))
        }
        let inputs = try book.reportInputs(generalImportance: matters ?? [])
        let document = AnnualReport.annual(
            year: year, edition: book.reportEdition, inputs: inputs, asOf: book.clock.today())
        let folder =
            output.map { Workspace.resolve($0, currentDirectory: currentDirectory) }
            ?? book.workspace.root.appending(path: "Reports")
        let files = try ReportFiles.write(
            document, baseName: "annual-report-\(year)", folder: folder, creationDate: book.clock.now())
        for file in files { print(file.path) }
        if inputs.problems > 0 {
            warn("\(inputs.problems) case(s) could not be fully measured: `pals deadlines list` names them")
        }
    }
}

/// `pals report performance --from D --to D`: the measures of any period beside the period before it.
struct ReportPerformanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "performance",
        abstract: "Report complaints handling over a period, beside the period of equal length before it.",
        discussion: """
            With --format pdf (the default) writes performance-FROM-to-TO.pdf and .html into --output (default: \
            the workspace's Reports folder); --format text prints a table and --format json the figures.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case pdf, text, json }

    @OptionGroup var options: WorkspaceOptions
    @Option(help: ArgumentHelp("The first day of the period.", valueName: "YYYY-MM-DD")) var from: String
    @Option(help: ArgumentHelp("The last day of the period.", valueName: "YYYY-MM-DD")) var to: String
    @Option(help: "pdf (PDF and HTML files), text or json.") var format: Format = .pdf
    @Option(help: ArgumentHelp("The folder to write into (default: the workspace's Reports folder).", valueName: "dir"))
    var output: String?

    func period() throws -> ReportPeriod {
        guard let start = CivilDate(iso: from) else {
            throw ValidationError("--from '\(from)' is not a date such as 2026-04-01")
        }
        guard let end = CivilDate(iso: to) else {
            throw ValidationError("--to '\(to)' is not a date such as 2026-06-30")
        }
        do { return try ReportPeriod(from: start, to: end) } catch { throw ValidationError(error.message) }
    }

    func validate() throws {
        _ = try period()
        if output != nil, format != .pdf { throw ValidationError("--output goes with --format pdf") }
    }

    func run() async throws {
        let period = try period()
        let book = try options.casebook(readOnly: true)
        let inputs = try book.reportInputs()
        let today = book.clock.today()
        switch format {
        case .json:
            try printJSON(MeasuresComparison.compare(inputs.cases, period: period, asOf: today))
        case .text:
            print(
                MeasuresComparison.compare(inputs.cases, period: period, asOf: today).text(edition: book.reportEdition))
        case .pdf:
            let document = AnnualReport.performance(
                period: period, edition: book.reportEdition, inputs: inputs, asOf: today)
            let folder =
                output.map { Workspace.resolve($0, currentDirectory: currentDirectory) }
                ?? book.workspace.root.appending(path: "Reports")
            let files = try ReportFiles.write(
                document, baseName: "performance-\(period.from.iso)-to-\(period.to.iso)", folder: folder,
                creationDate: book.clock.now())
            for file in files { print(file.path) }
        }
        if inputs.problems > 0 {
            warn("\(inputs.problems) case(s) could not be fully measured: `pals deadlines list` names them")
        }
    }
}

private var currentDirectory: String { FileManager.default.currentDirectoryPath }
