import ArgumentParser
import Casework
import Engine
import Foundation
import Letters

/// `pals init DIR`.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a workspace: pals.yaml, Templates/, Outbox/ and an empty case register.",
        discussion: "The organisation and officers in the new pals.yaml are invented and marked INVENTED: replace them."
    )

    @Argument(help: ArgumentHelp("The folder to create (it may exist but must be empty).", valueName: "dir"))
    var directory: String

    func run() async throws {
        let root = Workspace.resolve(directory, currentDirectory: FileManager.default.currentDirectoryPath)
        try Workspace.create(at: root)
        print("Created workspace \(root.path)")
        print(
            "Next: edit \(root.appending(path: Workspace.configurationFileName).path) (replace everything marked INVENTED),"
        )
        print("then `pals config check --workspace \(root.path)`.")
    }
}

/// `pals config …`.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check a workspace's configuration.",
        subcommands: [Check.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate pals.yaml (with environment overrides) and name every bad key.",
            discussion: """
                Also checks what the daemon and the letters will need: the SMTP password file (it exists, can be \
                read, is not readable by others), that credentials go only over TLS, and that every setting the \
                workspace's templates print (an officer's phone, the organisation's email…) is filled in.
                Exits 1 on an error; warnings are printed but pass.
                """
        )

        @OptionGroup var options: WorkspaceOptions

        @Option(help: ArgumentHelp("Check this file instead of the workspace's pals.yaml.", valueName: "file"))
        var file: String?

        func run() async throws {
            let url = file.map { URL(filePath: $0) } ?? options.folder.appending(path: Workspace.configurationFileName)
            guard FileManager.default.fileExists(atPath: url.path) else {
                if file == nil { _ = try options.open() }
                throw ValidationError("no such file: \(url.path)")
            }
            let configuration = try WorkspaceConfiguration.load(from: url, environment: options.environment)
            // The templates the letters are merged from: the workspace's (also when checking another file).
            let templates = options.folder.appending(path: "Templates", directoryHint: .isDirectory)
            var library: LetterLibrary?
            var findings: [ConfigurationFinding] = []
            if FileManager.default.fileExists(atPath: templates.path) {
                do {
                    library = try LetterLibrary.load(from: templates)
                } catch {
                    findings.append(
                        .init(
                            severity: .error, key: "Templates",
                            message:
                                "the templates cannot be loaded, so the settings they print cannot be checked: run `pals templates check`"
                        ))
                }
            }
            var check = ConfigurationCheck(configuration: configuration, environment: options.environment)
            check.workspaceRoot = options.folder
            findings += check.findings(templates: library)
            for finding in findings { FileHandle.standardError.write(Data("\(url.path): \(finding)\n".utf8)) }
            let errors = findings.filter { $0.severity == .error }.count
            if errors > 0 {
                FileHandle.standardError.write(
                    Data("\(url.path): \(errors) error(s): fix them before sending letters\n".utf8))
                throw ExitCode(1)
            }
            let warnings = findings.count - errors
            let checked = library == nil ? "" : ", templates checked"
            print(
                "\(url.path): OK (\(configuration.officers.count) officer(s), profile \(configuration.profile.rawValue), mail transport \(configuration.mail.transport.rawValue)\(checked)\(warnings > 0 ? ", \(warnings) warning(s)" : ""))"
            )
        }
    }
}
