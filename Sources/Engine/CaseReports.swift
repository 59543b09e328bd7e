package import Casework
package import Foundation
package import Primitives
import WorkingDays

/// How cases are shown to an officer: as text for the terminal, or as JSON for scripts.
package enum CaseReports {
    /// A JSON encoder with stable output: sorted keys, ISO 8601 dates.
    package static func jsonEncoder(pretty: Bool = true) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// One case with its history, as `pals case show --json` prints it.
    package struct Detail: Encodable, Sendable {
        package var `case`: Case
        package var history: [CaseEvent]

        package init(case record: Case, history: [CaseEvent]) {
            self.case = record
            self.history = history
        }
    }

    /// `pals case show`: the case, its deadlines (or why they cannot be computed), then its history.
    ///
    /// Every value is shown with its control characters escaped, so a field can neither forge a line nor drive
    /// the terminal.
    package static func text(
        _ record: Case, history: [CaseEvent], deadlines: Result<CaseDeadlines, any Error>? = nil,
        concernTarget: CivilDate? = nil, statements: [StatementRequest] = []
    ) -> String {
        let person = record.complainant
        var lines: [String] = []
        func add(_ label: String, _ value: String?) {
            guard let value, !value.isEmpty else { return }
            lines.append(label.padding(toLength: 22, withPad: " ", startingAt: 0) + value.escapingControls)
        }
        add("Reference", record.reference)
        add("Status", record.status.rawValue)
        add("Kind", record.kind == .concern ? "PALS concern" : nil)
        add("Needs attention", record.attention?.text)
        add("Received", "\(record.receivedDate.iso) (\(record.channel.rawValue))")
        add("Profile", record.profile.rawValue + (record.stage.map { ", stage \($0)" } ?? ""))
        add("Escalated on", record.escalatedOn?.iso)
        add("Complexity", record.complexity)
        add("Officer", record.officer)
        add("Service", record.service)
        add("Agreed response date", record.agreedResponseDate?.iso)
        add("Extensions", record.extensions > 0 ? String(record.extensions) : nil)
        add("Complainant", person.fullName)
        add("Address", (person.addressLines + [person.postcode].compactMap { $0 }).joined(separator: ", "))
        add("Email", person.email)
        add("Phone", person.phone)
        add("Preferred contact", person.preferredContact.rawValue)
        add("Language", person.language.rawValue)
        add("Accessible info", person.accessibleInformation.map(\.rawValue).joined(separator: ", "))
        add("Translate into", person.interpreterLanguage)
        add("Patient", record.patient?.fullName)
        add("Consent", record.consent == .notNeeded ? nil : record.consent.rawValue)
        add("Acknowledged", record.acknowledgedOutsidePals ? "outside pals (no letter)" : nil)
        add("Closed", record.closedAt.map { CivilDate($0).iso })
        for (label, value) in record.codingLines { add(label, value) }
        add("Summary", record.summary)
        switch deadlines {
        case .success where record.kind == .concern:
            // A concern has its own target; the complaint deadlines apply only once it is converted.
            lines.append("")
            lines.append("Deadlines")
            add("  Resolve by", concernTarget.map { "\($0.iso) (PALS concern target)" })
        case .success(let due):
            lines.append("")
            lines.append("Deadlines")
            add("  Acknowledge by", due.acknowledgeBy.iso + (due.stage == .one ? " (stage 1 decision)" : ""))
            add("  Respond by", due.respondBy.iso + (record.agreedResponseDate == nil ? "" : " (agreed)"))
            add(
                "  Backstop",
                due.backstop.map { $0.iso + (record.backstopAgreedDate == $0 ? " (moved by agreement)" : "") })
            add(
                "  Rules",
                due.profile.rawValue + (due.stage.map { ", stage \($0.rawValue)" } ?? "")
                    + (record.complexity.map { ", complexity \($0)" } ?? ""))
            add("  Rule set", due.ruleSet)
            add("  Calendar", "\(due.division.rawValue), \(due.calendarVersion)")
        case .failure(let error):
            lines.append("")
            add("Deadlines", "cannot be computed: \((error as? any LocalizedError)?.errorDescription ?? "\(error)")")
        case nil:
            break
        }
        if !statements.isEmpty {
            lines.append("")
            lines.append("Statement requests")
            for request in statements {
                let state = request.receivedAt.map { "received \(CivilDate($0).iso)" } ?? "awaited"
                add("  \(request.id)", "\(request.department), due \(request.due.iso), \(state)")
            }
        }
        if !history.isEmpty {
            lines.append("")
            lines.append("History")
            let formatter = ISO8601DateFormatter()
            for event in history {
                lines.append("  \(formatter.string(from: event.at))  \(event.kind)  \(event.detail)".escapingControls)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `pals case list`: one line per case.
    package static func table(_ cases: [Case]) -> String {
        guard !cases.isEmpty else { return "no cases" }
        let header = ["REFERENCE", "RECEIVED", "STATUS", "OFFICER", "PROFILE", "SERVICE"]
        let rows = cases.map {
            [
                $0.reference, $0.receivedDate.iso, $0.status.rawValue, $0.officer,
                $0.profile.rawValue + ($0.stage.map { "/\($0)" } ?? ""), $0.service,
            ].map(\.escapingControls)
        }
        return TextTable.render(header: header, rows: rows)
    }
}

/// Left-aligned columns separated by two spaces.
package enum TextTable {
    /// Renders a header and rows; the last column is not padded.
    package static func render(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
