package import Casework
package import Foundation
import Primitives

extension Casebook {
    /// Takes on a case that came in by the team mailbox (`pals case triage`): gives it its officer and, when
    /// given, its profile, its kind and the complainant's name, and opens it. The daemon's intake then sends a
    /// complaint's statutory acknowledgement by itself, as for any new case; a PALS concern gets none.
    ///
    /// Refused, with nothing changed, when the officer is not one of the workspace's, or the complainant's name is
    /// still unknown (the acknowledgement is addressed to them by name: never `Dear ,`).
    @discardableResult
    package func triage(
        _ reference: String, officer: String, profile: ProfileID? = nil, kind: CaseKind? = nil,
        complainantName: PersonName? = nil
    ) throws -> Case {
        let current = try register.get(reference)
        var problems: [CaseFieldProblem] = []
        let configuration = workspace.configuration
        if configuration.officer(officer) == nil {
            let known = configuration.officers.map(\.id).joined(separator: ", ")
            problems.append(
                .init(field: "officer", message: "'\(officer)' is not an officer of this workspace (known: \(known))"))
        }
        let name =
            complainantName
            ?? PersonName(
                first: current.complainant.firstName, last: current.complainant.lastName)
        if name.last.trimmingCharacters(in: .whitespaces).isEmpty {
            problems.append(
                .init(
                    field: "name",
                    message: "the complainant's name is not known from their email: give it, so letters can be "
                        + "addressed to them"))
        }
        guard problems.isEmpty else { throw CaseFormError(problems, outcome: "\(reference) was not triaged") }
        let now = clock.now()
        let triaged = try register.apply(reference, now: now) { lifecycle in
            if let complainantName {
                lifecycle.edit("complainant's name set at triage", at: now) { record in
                    record.complainant.firstName = complainantName.first
                    record.complainant.lastName = complainantName.last
                }
            }
            try lifecycle.triage(officer: officer, profile: profile, kind: kind, at: now)
        }
        DaemonLock.nudge(workspace)
        return triaged
    }

    /// The cases from the team mailbox no officer has taken on yet, oldest first.
    package func untriaged() throws -> [Case] {
        try register.cases(CaseFilter(status: .triage))
    }
}

/// A person's name as letters use it: first names and last name.
package struct PersonName: Sendable, Equatable {
    package var first: String
    package var last: String

    package init(first: String, last: String) {
        self.first = first
        self.last = last
    }

    /// "Eve Mary Jones" → first "Eve Mary", last "Jones"; nil when there is no word.
    package init?(_ text: String) {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let last = words.last else { return nil }
        self.init(first: words.dropLast().joined(separator: " "), last: last)
    }
}
