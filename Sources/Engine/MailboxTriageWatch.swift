import Casework
import Foundation
import Logging
import Outbox
package import Primitives

/// The watcher's rule for cases from the team mailbox that no officer has taken on: every day the complaints
/// manager gets a list of them, and a case is escalated to the manager (once) when half the time to its
/// statutory acknowledgement has passed, so there is still a working day or more to triage and acknowledge it.
package enum TriageWatch {
    /// An untriaged case as the rule sees it: no personal data.
    package struct Waiting: Sendable, Equatable {
        package var reference: String
        package var caseId: String
        package var received: CivilDate
        package var acknowledgeBy: CivilDate

        package init(reference: String, caseId: String, received: CivilDate, acknowledgeBy: CivilDate) {
            self.reference = reference
            self.caseId = caseId
            self.received = received
            self.acknowledgeBy = acknowledgeBy
        }

        /// Whether the acknowledgement is at risk on `today`: half the calendar days from receipt to the
        /// acknowledgement deadline have passed (3 working days from a Monday: from the Wednesday; from a Friday,
        /// due the Wednesday after: from the Monday).
        package func isAtRisk(today: CivilDate) -> Bool {
            let window = acknowledgeBy.dayNumber - received.dayNumber
            return today.dayNumber >= received.dayNumber + (window + 1) / 2
        }
    }

    /// The manager's daily list of untriaged cases: its idempotency key (one a day), subject and body; nil when
    /// none waits.
    package static func digest(_ waiting: [Waiting], today: CivilDate) -> (key: String, subject: String, body: String)?
    {
        guard !waiting.isEmpty else { return nil }
        let lines = waiting.map { case_ in
            "  \(case_.reference)  received \(case_.received.iso), to be acknowledged by \(case_.acknowledgeBy.iso)"
                + (case_.isAtRisk(today: today) ? "  (at risk)" : "")
        }
        let subject = "Mailbox cases waiting for triage: \(waiting.count)"
        let body = """
            \(waiting.count == 1 ? "One case" : "\(waiting.count) cases") from the team mailbox \
            \(waiting.count == 1 ? "has" : "have") no officer yet:

            \(lines.joined(separator: "\n"))

            Give each an officer (`pals case triage REFERENCE --officer ID`); its acknowledgement then goes by itself.
            """
        return ("triage-digest/\(today.iso)", subject, body)
    }

    /// The escalation of one case whose acknowledgement is at risk: key (once per case), subject and body.
    package static func escalation(_ case_: Waiting) -> (key: String, subject: String, body: String) {
        (
            "triage-escalation/\(case_.reference)/\(case_.caseId)",
            "Triage needed: \(case_.reference)",
            """
            Case \(case_.reference) came in by the team mailbox on \(case_.received.iso) and no officer has taken \
            it on. Its statutory acknowledgement is due by \(case_.acknowledgeBy.iso).

            Please give it an officer today (`pals case triage \(case_.reference) --officer ID`).
            """
        )
    }
}

extension Daemon {
    /// Tells the manager about untriaged mailbox cases: the daily list, and an escalation for each case whose
    /// acknowledgement is at risk. Keyed, so a restart or a second pass queues nothing twice. Returns how many
    /// messages were queued now.
    @discardableResult
    package func triageWatchPass(today: CivilDate) -> Int {
        let manager = casebook.workspace.configuration.manager
        guard let email = manager.email else { return 0 }
        var waiting: [TriageWatch.Waiting] = []
        do {
            for record in try casebook.untriaged() {
                do {
                    let deadlines = try postroom.letters.deadlines.deadlines(for: record)
                    waiting.append(
                        .init(
                            reference: record.reference, caseId: record.caseId, received: record.receivedDate,
                            acknowledgeBy: deadlines.acknowledgeBy))
                } catch {
                    logger.error(
                        "untriaged case left out of the manager's list",
                        metadata: ["case": "\(record.reference)", "error": "\(error)"])
                }
            }
        } catch {
            logger.error("cannot read the untriaged cases", metadata: ["error": "\(error)"])
            return 0
        }
        var messages: [(key: String, subject: String, body: String, reference: String?)] = []
        if let digest = TriageWatch.digest(waiting, today: today) {
            messages.append((digest.key, digest.subject, digest.body, nil))
        }
        for case_ in waiting where case_.isAtRisk(today: today) {
            let escalation = TriageWatch.escalation(case_)
            messages.append((escalation.key, escalation.subject, escalation.body, case_.reference))
        }
        var queued = 0
        for message in messages {
            do {
                guard try postroom.outbox.item(forKey: message.key) == nil else { continue }
                try postroom.notify(
                    to: email, name: manager.name, key: message.key, subject: message.subject, body: message.body,
                    labels: MessageLabels(reference: message.reference, kind: "triage-reminder"))
                queued += 1
            } catch {
                logger.error("triage reminder not queued", metadata: ["key": "\(message.key)", "error": "\(error)"])
            }
        }
        return queued
    }
}
