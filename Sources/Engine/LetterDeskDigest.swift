import Casework
package import Letters
import Primitives
import WorkingDays

extension LetterDesk {
    /// Merges an officer's reminder digest: their deadlines to watch, most urgent first.
    ///
    /// Always in English, and there is no Welsh template: the digest is staff mail, written in the organisation's
    /// working language like the rest of its staff mail (statement requests, alerts), whatever language its
    /// cases' letters are written in. The complainant never sees it.
    package func mergeDigest(officerName: String, items: [DueItem]) throws -> MergedLetter {
        let today = clock.today()
        func format(_ day: CivilDate) -> MergeValue {
            .string(LetterDateFormatter.string(year: day.year, month: day.month, day: day.day, language: .english))
        }
        var context = MergeContext()
        let organisation = workspace.configuration.organisation
        context["organisation"] = .object(["name": .string(organisation.name)])
        context["letter"] = .object(["date": format(today)])
        context["digest"] = .object([
            "officerName": .string(officerName),
            "date": format(today),
            "items": .list(
                items.map { item in
                    .object([
                        "reference": .string(item.reference), "deadline": .string(item.deadline.rawValue),
                        "due": format(item.due), "daysRemaining": .string(String(item.workingDaysRemaining)),
                        "state": .string(item.state.rawValue.uppercased()),
                    ])
                }),
        ])
        return try library.merge(kind: .reminderDigest, language: .english, context: context)
    }
}
