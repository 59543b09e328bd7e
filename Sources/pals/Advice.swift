import Casework
import Engine
import Foundation
import Letters

/// The command-line advice pals adds to an error: Engine and the libraries say what went wrong and what to do in
/// words any front door can show (a web page too), and carry the facts (a code, the reference, the missing input);
/// this names the exact `pals` command or flag that does it, for the officer at a terminal.
///
/// It is the one place the CLI words such advice: ``Pals/main()`` passes every error through ``adding(to:)``.
enum Advice {
    /// The sentence naming the command that answers `error`, or nil when there is none to add.
    static func command(for error: any Error) -> String? {
        switch error {
        case let error as LetterDeskError: letterDesk(error)
        case let error as WorkspaceError: workspace(error)
        case let error as CaseTransitionError where error.code == .consentChange:
            "`pals case show \(error.reference)` shows its consent state and history."
        case let error as CaseChangesError where error.code == .nothingToChange:
            "See `pals case update --help` for what can be changed."
        case let error as CaseFormError where error.problems.contains { $0.field == "status" }:
            "Use `pals case close` to close a case."
        case let error as DeadlineError where error.code == .needsAgreement:
            "If the complainant agreed the date, add `--agreed-with-complainant`."
        case let error as DeadlineError where error.code == .backstopPassed:
            "Use `pals letter late-response REF --set reason=… --set expectedDate=YYYY-MM-DD`."
        case let error as DeadlineError where error.code == .beyondStage1Cap:
            "To take it to stage 2: `pals case update REF --stage 2`."
        case let error as DeadlineDeskError:
            error.stage.map { "Leave out `--stage \($0)`." }
        case let error as LetterError where error.code == .badInputs:
            "Give each input with `--set NAME=VALUE`."
        case let error as RegisterError where error.code == .missing:
            "`pals init DIR` is only for a new workspace."
        case let error as CaseCodingError where error.code == .outcomeNeeded:
            "Give it with `pals case close \(error.reference) --outcome OUTCOME`."
        case let error as KO41Error where error.code == .incomplete:
            "`pals report check --year YYYY-YY` lists what each lacks; `pals case code` records it."
        default: nil
        }
    }

    /// `error` with ``command(for:)`` on a line of its own after its message; `error` itself when there is no
    /// advice, so argument-parser errors and exit codes keep their own handling.
    static func adding(to error: any Error) -> any Error {
        guard let advice = command(for: error) else { return error }
        return Advised(error: error, advice: advice)
    }

    private static func letterDesk(_ error: LetterDeskError) -> String? {
        if error.code == .notByEmail { return "Use `--format pdf`." }
        if error.code == .missingInput, let input = error.input {
            let value = input == "newDate" ? "YYYY-MM-DD" : "…"
            return "Give it with `--set \(input)=\(value)`."
        }
        guard let refusal = error.refusal, let reference = error.reference else { return nil }
        switch refusal {
        case .staffLetter:
            return "`pals daemon` sends it."
        case .closed, .withdrawn, .responded:
            return "To reopen it: `pals case update \(reference) --status open`."
        case .acknowledgedOutsidePals:
            return "`pals case show \(reference)` shows its history."
        case .alreadyAcknowledged:
            return "`pals archive list --case \(reference)` shows the one that was sent."
        case .concern:
            return "To make it a complaint: `pals case convert \(reference) --to complaint`."
        case .notAConcern:
            return "`pals letter resolution \(reference)` writes a complaint's final response."
        case .consentDoesNotAllow:
            return "Once the patient consents: `pals case update \(reference) --consent received`."
        case .consentNotRequested:
            return "To ask for it: `pals case update \(reference) --consent requested`."
        case .consentAwaited:
            return "`pals case update \(reference) --consent received` (or `--consent refused`) records the answer."
        case .notTriaged:
            return "To take it on: `pals case triage \(reference) --officer ID`."
        }
    }

    private static func workspace(_ error: WorkspaceError) -> String? {
        switch error.code {
        case .notAWorkspace:
            "To name one, pass --workspace DIR or set PALS_WORKSPACE; `pals init DIR` creates one."
        case .notEmpty:
            "`pals init DIR` makes a workspace in a new or empty folder."
        case .templatesMissing:
            "`pals templates restore` writes back the default of every missing template."
        default: nil
        }
    }

    /// An error shown with its advice; the original stays reachable for whoever needs its code.
    struct Advised: LocalizedError {
        let error: any Error
        let advice: String

        var errorDescription: String? { error.localizedDescription + "\n" + advice }
    }
}
