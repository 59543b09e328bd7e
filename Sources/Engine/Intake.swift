import Casework
import Foundation
import Letters
import Logging
import Mail
import Synchronization

extension Daemon {

    /// Queues the acknowledgement of every open case that has none yet; returns how many were queued.
    @discardableResult
    package func intakePass() -> Int {
        let pending: [Case]
        do {
            pending = try casebook.register.cases(CaseFilter(openOnly: true, awaitingAcknowledgement: true))
        } catch {
            logger.error("cannot read the register", metadata: ["error": "\(error)"])
            return 0
        }
        var queued = 0
        let at = now
        // A case intake could not acknowledge waits for its officer (who clears the flag once it is fixed); one that
        // failed for a moment waits for its next try.
        for record in pending
        where !(record.attention?.holdsIntake ?? false) && !intakeRetries.isWaiting(record.reference, now: at)
            && acknowledge(record)
        {
            queued += 1
        }
        if queued > 0 { mailWaiting.raise() }
        return queued
    }

    /// Acknowledges one case; a problem flags the case and tells its officer once.
    func acknowledge(_ record: Case) -> Bool {
        let reference = record.reference
        let stage = record.stage ?? 1
        // The automatic-mail slot taken for this try, given back if nothing was queued (a transient failure must
        // not use up the recipient's hourly cap and hold back the retries).
        var slot: (address: String, at: Date)?
        // The case id makes the key this case's for ever, even if its reference were ever issued again.
        let key = "acknowledgement/\(reference)/\(record.caseId)/stage-\(stage)"
        do {
            if try heldAcknowledgementWaits(record, key: key) { return false }
            let letter = try postroom.letters.prepare(.acknowledgement, reference: reference, inputs: [:])
            if case .email(let address) = letter.delivery {
                if let refusal = AutoReplyGuard.refusal(for: address) {
                    return flag(
                        record, .intakeRefused(refusal), key: "intake-refused/\(reference)/\(Postroom.hash(refusal))")
                }
                let allowedAt = now
                guard guardrail.allow(address, at: allowedAt) else {
                    if capped.withLock({ $0.insert(reference).inserted }) {
                        logger.notice(
                            "acknowledgement waits: automatic mail cap reached for the recipient",
                            metadata: ["case": "\(reference)"])
                    }
                    return false
                }
                slot = (address, allowedAt)
            }
            try postroom.letterQueue.queue(letter, key: key, effect: .acknowledge(automaticStage: stage))
            slot = nil
            // A held acknowledgement has reached no one: the case is acknowledged when it is delivered.
            if letter.isHeld {
                intakeRetries.clear(reference)
                return true
            }
            let at = now
            try casebook.register.apply(reference, now: at) { lifecycle in
                try lifecycle.acknowledge(.automatically(stage: stage), at: at)
            }
            intakeRetries.clear(reference)
            return true
        } catch let error where Self.acknowledgedMeanwhile(error, reference, casebook.register) {
            // An officer acknowledged the case between this pass listing it and preparing or recording its letter
            // (the letter's key made it once): nothing to do.
            if let slot { guardrail.giveBack(slot.address, at: slot.at) }
            intakeRetries.clear(reference)
            return false
        } catch {
            // A mail error's log form leaves out the address it concerns; the case reference names the case.
            let reason = (error as? MailError)?.description ?? error.localizedDescription
            if let slot { guardrail.giveBack(slot.address, at: slot.at) }
            switch IntakeFailure.classify(error) {
            case .transient:
                // Queueing is idempotent (the key), so trying again never acknowledges twice.
                retryLater(record, reason)
                return false
            case .needsPerson:
                return flag(record, .intakeFailed(reason), key: "intake-failed/\(reference)/\(Postroom.hash(reason))")
            }
        }
    }

    /// Schedules another try of a case after a transient failure; tells its officer once if it has failed for
    /// longer than ``IntakeRetries/alertAfter`` (the tries go on).
    func retryLater(_ record: Case, _ reason: String) {
        let at = now
        let entry = intakeRetries.failed(record.reference, now: at)
        logger.warning(
            "acknowledgement failed for a moment; it is tried again",
            metadata: [
                "case": "\(record.reference)", "failures": "\(entry.failures)",
                "retry": "\(ISO8601DateFormatter().string(from: entry.next))", "error": "\(reason)",
            ])
        guard !entry.alerted, at.timeIntervalSince(entry.since) >= IntakeRetries.alertAfter else { return }
        do {
            try postroom.alertOfficer(
                reference: record.reference,
                key: "intake-delayed/\(record.reference)/\(Int(entry.since.timeIntervalSince1970))",
                subject: "Acknowledgement delayed: \(record.reference)",
                body:
                    "pals has been trying to acknowledge case \(record.reference) since \(ISO8601DateFormatter().string(from: entry.since)) and keeps failing for a reason that should pass by itself:\n\n\(reason)\n\nIt keeps trying. If this goes on, ask whoever runs pals to look at its log, or acknowledge the case yourself (`pals letter acknowledgement \(record.reference)`)."
            )
            intakeRetries.markAlerted(record.reference)
        } catch {
            logger.error(
                "cannot tell the officer of a delayed acknowledgement",
                metadata: ["case": "\(record.reference)", "error": "\(error)"])
        }
    }

    /// Whether `error` refused the acknowledgement because the case was acknowledged by someone else meanwhile.
    static func acknowledgedMeanwhile(_ error: any Error, _ reference: String, _ store: any CaseStore) -> Bool {
        if let refused = error as? CaseTransitionError { return refused.code == .alreadyAcknowledged }
        guard LetterDeskError.Code.notAllowed ~= error else { return false }
        return (try? store.get(reference).acknowledgedAt) != nil
    }

    func flag(_ record: Case, _ reason: CaseAttention, key: String) -> Bool {
        logger.warning("acknowledgement not made", metadata: ["case": "\(record.reference)"])
        intakeRetries.clear(record.reference)
        do {
            let at = now
            try casebook.register.apply(record.reference, now: at) { lifecycle in lifecycle.flag(reason, at: at) }
            try postroom.alertOfficer(
                reference: record.reference, key: key, subject: "Acknowledgement needed: \(record.reference)",
                body: """
                    pals could not acknowledge case \(record.reference) by itself.

                    \(reason.text)

                    Please acknowledge it yourself (`pals preview acknowledgement \(record.reference)`, \
                    `pals letter acknowledgement \(record.reference)`), or fix the case and run \
                    `pals case update \(record.reference) --clear-attention` so pals tries again.
                    """)
        } catch {
            // Not flagged: the case is tried again (with backoff), and flagged then if the problem is still there.
            logger.error("cannot flag the case", metadata: ["case": "\(record.reference)", "error": "\(error)"])
            _ = intakeRetries.failed(record.reference, now: now)
        }
        return false
    }

}
