package import Casework
import Foundation
import Primitives
import WorkingDays

/// How deadlines are shown: the calculator's answer and the urgency board.
package enum DeadlineReports {
    /// `pals deadlines calc` as text.
    package static func text(_ deadlines: CaseDeadlines) -> String {
        var rows = [
            ["Profile", deadlines.profile.rawValue + (deadlines.stage.map { ", stage \($0.rawValue)" } ?? "")],
            ["Received", deadlines.received.iso],
            ["Acknowledge by", deadlines.acknowledgeBy.iso],
            ["Respond by", deadlines.respondBy.iso],
        ]
        if let backstop = deadlines.backstop { rows.append(["Backstop", backstop.iso]) }
        rows.append(["Rule set", deadlines.ruleSet])
        rows.append(["Calendar", "\(deadlines.division.rawValue), \(deadlines.calendarVersion)"])
        return rows.map { $0[0].padding(toLength: 16, withPad: " ", startingAt: 0) + $0[1] }.joined(separator: "\n")
    }

    /// `pals deadlines` as a table, coloured on a terminal; cases that cannot be computed are listed after it.
    /// Values from the register are shown with their control characters escaped.
    package static func table(_ items: [DueItem], problems: [CaseProblem] = [], colour: Bool) -> String {
        var text: String
        if items.isEmpty {
            text = "no open cases with deadlines to show"
        } else {
            let rows = items.map { item -> [String] in
                let state = item.state.rawValue.uppercased()
                let shown = colour ? "\(ansi(item.state))\(state)\u{1B}[0m" : state
                return [
                    item.reference.escapingControls, item.officer.escapingControls, item.deadline.rawValue,
                    item.due.iso, String(item.workingDaysRemaining), shown,
                ]
            }
            text = TextTable.render(header: ["REFERENCE", "OFFICER", "NEXT", "DUE", "WD LEFT", "STATE"], rows: rows)
        }
        if !problems.isEmpty {
            text += "\n\n" + problemLines(problems).joined(separator: "\n")
        }
        return text
    }

    /// The cases left off the board, one line each: `PROBLEM  PALS-2026-0007 (officer alex): why`.
    package static func problemLines(_ problems: [CaseProblem]) -> [String] {
        problems.map { problem in
            let officer = problem.officer.map { " (officer \($0))" } ?? ""
            return "PROBLEM  \(problem.reference)\(officer): \(problem.reason)".escapingControls
        }
    }

    /// `pals deadlines --csv`.
    package static func csv(_ items: [DueItem]) -> String {
        var lines = ["reference,officer,profile,stage,deadline,due,workingDaysRemaining,state,backstop"]
        for item in items {
            lines.append(
                [
                    item.reference, item.officer, item.profile.rawValue, item.stage.map(String.init) ?? "",
                    item.deadline.rawValue, item.due.iso, String(item.workingDaysRemaining), item.state.rawValue,
                    item.backstop?.iso ?? "",
                ].map(csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func csvField(_ value: String) -> String {
        guard value.contains(where: { ",\"\n\r".contains($0) }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func ansi(_ colour: DeadlineStatus.Colour) -> String {
        switch colour {
        case .red: "\u{1B}[31m"
        case .amber: "\u{1B}[33m"
        case .green: "\u{1B}[32m"
        }
    }
}
