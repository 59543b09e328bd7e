package import Casework
package import Foundation
package import Primitives

/// What `pals intake list` shows: the cases from the team mailbox that wait for triage.
package enum MailboxReports {
    /// One untriaged case.
    package struct Entry: Sendable, Codable, Equatable {
        package var reference: String
        /// When the email arrived.
        package var received: Date
        /// The statutory acknowledgement deadline (`YYYY-MM-DD`), or nil when it cannot be computed.
        package var acknowledgeBy: String?
        /// Whether that deadline is at risk today (``TriageWatch/Waiting/isAtRisk(today:)``).
        package var atRisk: Bool
        /// The email's subject, as the case's summary.
        package var summary: String
        /// Whether pals could write to the sender (the receipt went, and letters can go by email).
        package var hasEmail: Bool
    }

    /// The untriaged cases of a casebook, oldest first.
    package static func untriaged(_ book: Casebook) throws -> [Entry] {
        let desk = try DeadlineDesk(workspace: book.workspace)
        let today = book.clock.today()
        return try book.untriaged().map { record in
            let acknowledgeBy = try? desk.deadlines(for: record).acknowledgeBy
            let atRisk = acknowledgeBy.map {
                TriageWatch.Waiting(
                    reference: record.reference, caseId: record.caseId, received: record.receivedDate,
                    acknowledgeBy: $0
                ).isAtRisk(today: today)
            }
            return Entry(
                reference: record.reference, received: record.receivedAt, acknowledgeBy: acknowledgeBy?.iso,
                atRisk: atRisk ?? true, summary: record.summary, hasEmail: record.complainant.email != nil)
        }
    }

    /// A plain table of untriaged cases, control characters escaped.
    package static func table(_ entries: [Entry], today: CivilDate) -> String {
        guard !entries.isEmpty else { return "No case waits for triage." }
        var lines = ["REFERENCE        RECEIVED    ACK BY      SUMMARY"]
        for entry in entries {
            let received = CivilDate(entry.received).iso
            let ack = (entry.acknowledgeBy ?? "?") + (entry.atRisk ? "!" : " ")
            let summary = MailboxText.oneLine(entry.summary, limit: 60)
            lines.append(
                entry.reference.padding(toLength: 16, withPad: " ", startingAt: 0) + " " + received + "  "
                    + ack.padding(toLength: 11, withPad: " ", startingAt: 0) + " " + summary)
        }
        lines.append("")
        lines.append("! the acknowledgement is at risk. Take a case on with: pals case triage REFERENCE --officer ID")
        return lines.joined(separator: "\n")
    }
}
