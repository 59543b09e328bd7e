import ArgumentParser
import Engine
import Letters

extension CaseCommand {
    /// Records that a held letter reached the complainant another way (a large-print, braille or translated copy
    /// an officer made and posted), so the case changes as that letter does.
    struct RecordSent: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "record-sent",
            abstract: "Record that a held letter went to the complainant another way (e.g. a braille copy posted).",
            discussion: """
                A held acknowledgement, holding or final-response letter changes nothing on its case until it is \
                sent. When you sent the letter yourself (by post, by hand or from your own email), record it here: \
                the case is then acknowledged, its response date moved, or marked responded. A held email stays \
                in the outbox's hold: cancel it, or release it to send that copy as well.
                """)

        @OptionGroup var options: WorkspaceOptions
        @Argument(help: "The case reference.") var reference: String
        @Argument(help: "The kind of the held letter, e.g. acknowledgement, holding, resolution.") var kind: String
        @Option(
            help: ArgumentHelp(
                "How it went: \(SentOutsidePals.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "how"))
        var by: String

        func validate() throws { _ = try optionChoice(by, "--by") as SentOutsidePals? }

        func run() async throws {
            let route: SentOutsidePals = try optionChoice(by, "--by")!
            let held = try options.postroom().letterQueue.recordSent(
                LetterKind(rawValue: kind), reference: reference, by: route)
            print("Recorded the \(kind) of \(reference) as sent \(route.wording)")
            if let held {
                print("The held email \(held) is still in the outbox's hold: cancel it, or release it to send it too.")
            }
        }
    }
}
