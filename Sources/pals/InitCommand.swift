import ArgumentParser
import Casework
import Engine
import Foundation

/// `pals init DIR`.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a workspace: pals.yaml, Templates/, Outbox/ and an empty case register.",
        discussion: "The organisation and officers in the new pals.yaml are invented and marked INVENTED: replace them."
    )

    @Argument(help: ArgumentHelp("The folder to create (it may exist but must not be a workspace yet).", valueName: "dir"))
    var directory: String

    func run() async throws {
        let root = URL(filePath: directory, directoryHint: .isDirectory).standardizedFileURL
        let environment = ProcessInfo.processInfo.environment
        let executable = URL(filePath: "/proc/self/exe").resolvingSymlinksInPath()
        guard let templates = DefaultTemplates.folder(environment: environment, executable: executable) else {
            throw ValidationError("cannot find the default templates: set PALS_TEMPLATES to a Templates folder (with en/ and cy/)")
        }
        try Workspace.create(at: root, templates: templates)
        print("Created workspace \(root.path)")
        print("Next: edit \(root.appending(path: Workspace.configurationFileName).path) (replace everything marked INVENTED),")
        print("then `pals config check --workspace \(directory)`.")
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
            abstract: "Validate pals.yaml (with environment overrides) and name every bad key."
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
            print("\(url.path): OK (\(configuration.officers.count) officer(s), profile \(configuration.profile.rawValue), mail transport \(configuration.mail.transport.rawValue))")
        }
    }
}
