import ArgumentParser
import Casework
import Engine

extension CaseCommand {
    /// `pals case convert REF --to complaint`: a PALS concern becomes a formal complaint.
    struct Convert: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn a PALS concern into a formal complaint, keeping its receipt date.",
            discussion: """
                The complaint's deadlines count from the day the concern was received, and the statutory \
                acknowledgement goes out by itself (pals daemon), as for any new complaint.
                """
        )

        @OptionGroup var options: WorkspaceOptions
        @Argument(help: "The case reference.") var reference: String
        @Option(help: ArgumentHelp("The kind it becomes: complaint.", valueName: "kind")) var to: String

        func validate() throws {
            let _: CaseKind? = try optionChoice(to, "--to")
        }

        func run() async throws {
            let kind: CaseKind = try optionChoice(to, "--to")!
            let converted = try options.casebook().convert(reference, to: kind)
            print("Converted \(converted.reference) into a \(converted.kind.rawValue)")
        }
    }
}
