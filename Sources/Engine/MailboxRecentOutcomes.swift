package import Casework
package import Foundation

extension MailboxReports {
    /// What a message that made no new case became.
    package enum OutcomeKind: String, Sendable, Codable, Equatable {
        /// Automatic mail, recorded and never answered.
        case automatic
        /// A report that a message pals sent was not delivered; its case flagged.
        case bounced
        /// A reply added to its case as correspondence received.
        case correspondence
    }

    /// A message from the team mailbox that made no new case, as `pals intake list --all` shows it: what it became
    /// and the case it went to, never who sent it or what it said.
    package struct Outcome: Sendable, Codable, Equatable {
        /// When the message arrived in the mailbox.
        package var arrived: Date
        /// When pals took it through the intake rules.
        package var processed: Date
        package var kind: OutcomeKind
        /// The case it went to; nil for automatic mail.
        package var reference: String?
        /// One line: why the mail was automatic, or what was done.
        package var detail: String
    }

    /// The latest `limit` messages of the inbound ledger that made no new case (automatic mail, bounces, replies),
    /// newest first. New cases are left out: those still in triage are the untriaged list, the others are cases.
    package static func recentOutcomes(_ ledger: InboundLedger, limit: Int = 20) throws -> [Outcome] {
        let decoder = JSONDecoder()
        let outcomes = try ledger.allInbound().compactMap { message -> Outcome? in
            guard message.state == .processed, let processed = message.processedAt, let text = message.outcome,
                let outcome = try? decoder.decode(MailboxOutcome.self, from: Data(text.utf8))
            else { return nil }
            let kind: OutcomeKind
            switch outcome {
            case .automatic: kind = .automatic
            case .bounced: kind = .bounced
            case .correspondence: kind = .correspondence
            case .triage: return nil
            }
            return Outcome(
                arrived: message.arrivedAt, processed: processed, kind: kind, reference: outcome.reference,
                detail: MailboxText.oneLine(outcome.description, limit: 120))
        }
        return Array(outcomes.sorted { $0.processed > $1.processed }.prefix(max(0, limit)))
    }

    /// A plain table of recent outcomes, control characters escaped.
    package static func outcomesTable(_ outcomes: [Outcome]) -> String {
        guard !outcomes.isEmpty else { return "No other mail recently: every message made a new case." }
        var lines = ["Recent mail that made no new case, newest first:", "ARRIVED           WHAT            DETAIL"]
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
        for outcome in outcomes {
            let arrived = String(format.string(from: outcome.arrived).prefix(16))
            lines.append(
                arrived.padding(toLength: 17, withPad: " ", startingAt: 0) + " "
                    + outcome.kind.rawValue.padding(toLength: 15, withPad: " ", startingAt: 0) + " " + outcome.detail)
        }
        return lines.joined(separator: "\n")
    }
}
