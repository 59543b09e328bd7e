import ArgumentParser
import Casework
import Engine
import Foundation
import Primitives

extension CaseCommand {
    /// `pals case code REF …`: codes a complaint for the returns (outcome, subjects, service, profession, …).
    struct Code: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Code a case for the returns: subjects, service areas, professions, complainant, age band.",
            discussion: """
                Subjects, service areas and professions are the ids of the workspace's coding lists (coding.* in \
                pals.yaml; the KO41a categories by default); give an option again for more than one, and the list \
                given replaces the case's list. An --outcome is taken only once the case is responded to, withdrawn \
                or closed. See the allowed values in the errors, or in the README.
                """)

        @OptionGroup var options: WorkspaceOptions
        @Argument(help: "The case reference.") var reference: String
        @Option(name: .customLong("subject"), help: ArgumentHelp("A subject of the complaint.", valueName: "id"))
        var subjects: [String] = []
        @Option(
            name: .customLong("service-area"), help: ArgumentHelp("A service area complained about.", valueName: "id"))
        var serviceAreas: [String] = []
        @Option(
            name: .customLong("profession"),
            help: ArgumentHelp("A staff group or profession complained about.", valueName: "id"))
        var professions: [String] = []
        @Option(
            help: ArgumentHelp(
                "Who complained: \(ComplainantStatus.allCases.map(\.rawValue).joined(separator: ", ")).",
                valueName: "status"))
        var complainantStatus: String?
        @Option(
            help: ArgumentHelp(
                "The patient's age band: \(AgeBand.allCases.map(\.rawValue).joined(separator: ", ")).",
                valueName: "band"))
        var ageBand: String?
        @Option(
            help: ArgumentHelp(
                "The outcome: \(CaseOutcome.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "outcome"))
        var outcome: String?

        func change() throws -> CodingChange {
            CodingChange(
                outcome: try optionChoice(outcome, "--outcome"), subjects: subjects.isEmpty ? nil : subjects,
                serviceAreas: serviceAreas.isEmpty ? nil : serviceAreas,
                professions: professions.isEmpty ? nil : professions,
                complainantStatus: try optionChoice(complainantStatus, "--complainant-status"),
                ageBand: try optionChoice(ageBand, "--age-band"))
        }

        func validate() throws {
            if try change().isEmpty {
                throw ValidationError(
                    "give at least one of --subject, --service-area, --profession, --complainant-status, --age-band, "
                        + "--outcome")
            }
        }

        func run() async throws {
            let coded = try options.casebook().code(reference, try change())
            print("Coded \(coded.reference)")
        }
    }

    /// `pals case ombudsman REF --referred D` / `--result R --on D`: a referral to the ombudsman and its result.
    struct Ombudsman: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a complaint's referral to the ombudsman, or the ombudsman's result.",
            discussion: """
                --referred DATE records a referral. --result R --on DATE records the result of the latest referral \
                (R: \(OmbudsmanResult.allCases.map(\.rawValue).joined(separator: ", "))).
                """)

        @OptionGroup var options: WorkspaceOptions
        @Argument(help: "The case reference.") var reference: String
        @Option(help: ArgumentHelp("The day the complaint went to the ombudsman.", valueName: "YYYY-MM-DD"))
        var referred: String?
        @Option(help: ArgumentHelp("The ombudsman's result.", valueName: "result")) var result: String?
        @Option(help: ArgumentHelp("The day of the ombudsman's result.", valueName: "YYYY-MM-DD")) var on: String?

        func validate() throws {
            switch (referred, result, on) {
            case (.some, nil, nil), (nil, .some, .some): break
            case (nil, .some, nil): throw ValidationError("--result needs --on, the day of the ombudsman's result")
            case (nil, nil, .some): throw ValidationError("--on goes with --result")
            case (nil, nil, nil): throw ValidationError("give --referred DATE, or --result R --on DATE")
            default: throw ValidationError("give either --referred DATE, or --result R --on DATE, not both")
            }
            for (option, text) in [("--referred", referred), ("--on", on)] {
                if let text, CivilDate(iso: text) == nil {
                    throw ValidationError("\(option) '\(text)' is not a date in the form YYYY-MM-DD")
                }
            }
            _ = try optionChoice(result, "--result") as OmbudsmanResult?
        }

        func run() async throws {
            let casebook = try options.casebook()
            if let referred, let day = CivilDate(iso: referred) {
                let updated = try casebook.referToOmbudsman(reference, on: day)
                print("Recorded \(updated.reference) referred to the ombudsman on \(day.iso)")
            } else if let result: OmbudsmanResult = try optionChoice(result, "--result"), let on,
                let day = CivilDate(iso: on)
            {
                let updated = try casebook.recordOmbudsmanResult(reference, result, on: day)
                print("Recorded the ombudsman's result for \(updated.reference): \(result.words), \(day.iso)")
            }
        }
    }
}
