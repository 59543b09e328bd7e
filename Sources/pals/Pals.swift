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
        ]
    )
}
