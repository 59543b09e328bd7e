import ArgumentParser
import Casework
import Engine
import Foundation
import Letters
import Mail
import Primitives
import WorkingDays

/// Officer inputs given as `--set KEY=VALUE` or in an `--input FILE` (JSON object of strings).
struct LetterInputOptions: ParsableArguments {
    @Option(
        name: .customLong("set"),
        help: ArgumentHelp(
            "An officer input, e.g. --set reason=\"…\" --set newDate=2027-01-15.", valueName: "key=value"))
    var settings: [String] = []

    @Option(help: ArgumentHelp("A JSON file of officer inputs (an object of strings).", valueName: "file"))
    var input: String?

    func validate() throws { _ = try values() }

    /// The inputs, `--set` winning over the file.
    func values() throws -> [String: String] {
        var values: [String: String] = [:]
        if let input {
            guard let data = FileManager.default.contents(atPath: input) else {
                throw ValidationError("cannot read --input \(input)")
            }
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw ValidationError("--input \(input) must hold a JSON object of strings")
            }
            for (key, value) in object {
                guard let text = value as? String else {
                    throw ValidationError("--input \(input): \(key) must be a string")
                }
                values[key] = text
            }
        }
        for setting in settings {
            guard let equals = setting.firstIndex(of: "="), equals != setting.startIndex else {
                throw ValidationError("--set '\(setting)' must look like KEY=VALUE")
            }
            values[String(setting[..<equals])] = String(setting[setting.index(after: equals)...])
        }
        return values
    }
}

/// The kinds of letter and their inputs, for the help of `pals preview` and `pals letter`.
enum LetterKindsHelp {
    /// `lead`, then (when help is asked for) each kind of letter with its inputs, read from the templates of
    /// the workspace pals is run in (or pointed at with --workspace), else from the default templates.
    static func discussion(_ lead: String) -> String {
        let arguments = CommandLine.arguments
        guard arguments.contains(where: { ["--help", "-h", "help"].contains($0) }) else { return lead }
        let environment = ProcessInfo.processInfo.environment
        var explicit: String?
        for (index, argument) in arguments.enumerated() {
            if argument == "--workspace", index + 1 < arguments.count { explicit = arguments[index + 1] }
            if argument.hasPrefix("--workspace=") { explicit = String(argument.dropFirst("--workspace=".count)) }
        }
        let workspace = Workspace.locate(
            explicit: explicit, environment: environment, currentDirectory: FileManager.default.currentDirectoryPath)
        let own = workspace.appending(path: "Templates", directoryHint: .isDirectory)
        if FileManager.default.fileExists(atPath: own.path), let library = try? LetterLibrary.load(from: own) {
            return lead + "\n\n" + table(library, source: own.path)
        }
        if let library = try? DefaultTemplates.library() {
            return lead + "\n\n" + table(library, source: "the default templates")
        }
        return lead + "\n\nNo templates were found to list the kinds of letter: run `pals templates check`."
    }

    /// One line per kind: its name and inputs.
    static func table(_ library: LetterLibrary, source: String) -> String {
        let kinds = library.caseLetterKinds
        let width = (kinds.map(\.rawValue.count).max() ?? 0) + 2
        var lines = ["Kinds of letter and their inputs (from \(source)):"]
        for kind in kinds {
            guard let info = library.info(kind: kind) else { continue }
            var parts: [String] = []
            if !info.requiredInputs.isEmpty {
                parts.append(info.requiredInputs.joined(separator: ", ") + " (required)")
            }
            if !info.optionalInputs.isEmpty {
                parts.append(info.optionalInputs.joined(separator: ", ") + " (optional)")
            }
            let inputs = parts.isEmpty ? "no inputs" : parts.joined(separator: "; ")
            let name = kind.rawValue.padding(toLength: width, withPad: " ", startingAt: 0)
            lines.append("  \(name)\(inputs)\(info.isAutomatic ? " (also sent automatically)" : "")")
        }
        lines.append("Give inputs with --set NAME=VALUE (dates as YYYY-MM-DD), or in an --input JSON file.")
        return lines.joined(separator: "\n")
    }
}

/// `pals preview KIND REF`: exactly what would be sent.
struct PreviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Show a letter for a case exactly as it would be sent: text, HTML, PDF or the raw .eml.",
        discussion: LetterKindsHelp.discussion(
            "The eml form is the complete message pals would queue, bar its Date and Message-ID. A letter the case's state forbids (e.g. a holding letter after the final response) is refused here as it would be by `pals letter`."
        )
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, html, pdf, eml }

    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "The kind of letter (listed above).") var kind: String
    @Argument(help: "The case reference.") var reference: String
    @Option(help: "text (default), html, pdf or eml.") var format: Format = .text
    @Option(
        help: ArgumentHelp(
            "Write to this file instead of standard output (needed for pdf on a terminal).", valueName: "file"))
    var output: String?
    @OptionGroup var inputs: LetterInputOptions

    func run() async throws {
        let book = try options.casebook()
        let desk = try LetterDesk(casebook: book)
        let letter = try desk.prepare(LetterKind(rawValue: kind), reference: reference, inputs: try inputs.values())
        // What sending it would do when pals cannot produce the form the case needs (see LetterHoldReason).
        let held = letter.heldReason.map { "Held: this letter would be held for the officer, not sent: \($0)\n" }
        if let held, format != .text { FileHandle.standardError.write(Data(held.utf8)) }
        let data: Data
        switch format {
        case .text:
            let header =
                "Subject: \(letter.merged.subject)\nTo: \(letter.recipientLine)\n" + (held ?? "")
                + String(repeating: "-", count: 72) + "\n"
            data = Data((header + letter.merged.text).utf8)
        case .html:
            data = Data(letter.merged.html.utf8)
        case .pdf:
            data = try letter.pdf()
            if output == nil, isatty(STDOUT_FILENO) == 1 {
                throw ValidationError("a PDF is binary: give --output FILE (or redirect standard output)")
            }
        case .eml:
            data = try desk.compose(letter, date: book.clock.now()).data
        }
        if let output {
            try PrivateFiles.write(data, to: URL(filePath: output))
            print("Wrote \(output)")
        } else {
            FileHandle.standardOutput.write(data)
            if format == .text || format == .html { print() }
        }
    }
}

/// `pals templates check`.
struct TemplatesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates",
        abstract: "Check the workspace's letter templates.",
        subcommands: [Check.self, Restore.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Lint every template against the case model: unknown fields and partials, personal data in subjects, missing legal content."
        )

        @OptionGroup var options: WorkspaceOptions
        @Option(help: ArgumentHelp("Check this Templates folder instead of the workspace's.", valueName: "dir"))
        var folder: String?

        func run() async throws {
            let url = try folder.map { URL(filePath: $0, directoryHint: .isDirectory) } ?? options.open().templatesURL
            let findings = TemplateLinter().lint(folder: url)
            let missing = DefaultTemplates.missing(in: url)  // see TemplatesRestoreCommand.swift
            if findings.isEmpty, missing.isEmpty {
                print("\(url.path): the templates are clean")
                return
            }
            for path in missing { FileHandle.standardError.write(Data("\(missingTemplateLine(path))\n".utf8)) }
            for finding in findings { FileHandle.standardError.write(Data("\(finding)\n".utf8)) }
            throw ExitCode(1)
        }
    }
}
