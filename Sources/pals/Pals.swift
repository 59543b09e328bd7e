import ArgumentParser
import Engine

/// `pals`: the correspondence engine of a PALS and complaints team.
@main
struct Pals: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pals",
        abstract: "Correspondence for NHS PALS and complaints teams: cases, deadlines, letters and mail.",
        discussion: """
            Every command works on a workspace: --workspace DIR, else $PALS_WORKSPACE, else the current folder.
            `pals init DIR` creates one.
            """,
        version: PalsVersion.current,
        subcommands: [
            InitCommand.self, ConfigCommand.self, CaseCommand.self, DeadlinesCommand.self, HolidaysCommand.self,
            PreviewCommand.self, TemplatesCommand.self, LetterCommand.self,
            OutboxCommand.self, ArchiveCommand.self, SmtpCommand.self, DaemonCommand.self, StatusCommand.self,
            StatementCommand.self,
            IntakeCommand.self, ImapCommand.self,
            ReportCommand.self,
            ServeCommand.self, TokenCommand.self, AuditCommand.self,
            UserCommand.self,
        ]
    )

    /// Parses and runs the command as argument-parser does, but shows each error with the command-line advice
    /// that answers it (``Advice``): Engine's messages name no command, the officer at a terminal still gets one.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: Advice.adding(to: error))
        }
    }
}
