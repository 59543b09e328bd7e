package import Foundation
package import Primitives

/// What a letter does to its case once it has reached the complainant: it acknowledges the complaint, moves the
/// response date (a holding or late-response letter), or marks the final response.
///
/// A letter pals sends straight away changes its case when it is queued. A held letter (a format pals cannot make,
/// no Welsh template) has not reached anyone: it carries its effect with it (an outbox label, or a note beside the
/// held print file) and the case changes only when the letter is released and delivered, or an officer records
/// that it went another way. Until then the deadline board and the reminders treat the case as not yet
/// acknowledged or responded.
package enum HeldLetterEffect: Sendable, Hashable, Codable {
    /// Acknowledges the complaint: the automatic acknowledgement of `stage`, or (nil) one an officer wrote.
    case acknowledge(automaticStage: Int?)
    /// Moves the response date to `newDate` for `reason`, as `notice` (a holding or late-response letter).
    case extend(newDate: CivilDate, reason: String, notice: String)
    /// Marks the final response (or a concern's resolution, or a redress response) given.
    case respond

    /// The effect as one line of text, for an outbox label or a note file.
    package var label: String {
        // Encoding a plain enum of strings, numbers and a date cannot fail.
        String(decoding: (try? JSONEncoder().encode(self)) ?? Data(), as: UTF8.self)
    }

    /// The effect a label holds, or nil when it holds none pals understands.
    package init?(label: String) {
        guard let effect = try? JSONDecoder().decode(Self.self, from: Data(label.utf8)) else { return nil }
        self = effect
    }

    /// The transition the effect makes.
    package var transition: CaseLifecycle.Transition {
        switch self {
        case .acknowledge: .acknowledge
        case .extend: .extend
        case .respond: .respond
        }
    }
}

extension CaseLifecycle {
    /// Changes the case as a held letter of `kind` that has now gone (`how`: "by email as M-1", "by post") does.
    /// Refused, changing nothing, when the case no longer allows it (e.g. it was acknowledged another way meanwhile).
    package mutating func apply(
        _ effect: HeldLetterEffect, kind: String, how: String, at: Date
    ) throws(CaseTransitionError) {
        if let refusal = refusal(of: effect.transition) { throw refusal }
        switch effect {
        case .acknowledge(let stage):
            let what = stage.map { "stage \($0) acknowledgement" } ?? "acknowledgement"
            change(.acknowledged, "\(what) sent \(how) after it was held", at: at) { $0.acknowledgedAt = at }
        case .extend(let newDate, let reason, let notice):
            change(
                .extended,
                "response date moved to \(newDate.iso) by \(notice) sent \(how) after it was held "
                    + "(extension \(record.extensions + 1)): \(reason)",
                at: at
            ) {
                $0.agreedResponseDate = newDate
                $0.extensions += 1
            }
        case .respond:
            let what = record.kind == .concern ? "concern resolution" : kind
            change(.responded, "\(what) sent \(how) after it was held", at: at) { $0.status = .responded }
        }
    }

    /// Records that a held letter of `kind` went to the complainant another way (`how`, e.g. "by post"), as an
    /// officer said; clears the attention flag its hold raised.
    package mutating func recordSentOutsidePals(kind: String, heldAs messageID: String?, how: String, at: Date) {
        let held = messageID.map { " (held as \($0))" } ?? ""
        change(.letterSent, "\(kind)\(held) sent \(how), as an officer recorded", at: at) { record in
            if let messageID, record.attention?.concerns(messageID: messageID) == true { record.attention = nil }
        }
    }
}
