import Foundation
import Synchronization

/// Loop protection for automatic mail: never to machine addresses, and at most N per recipient per hour.
final class AutoReplyGuard: Sendable {
    private let limit: Int
    private let sent = Mutex<[String: [Date]]>([:])

    init(perRecipientPerHour: Int) { limit = perRecipientPerHour }

    /// Why an address must never get automatic mail (mailer-daemon, postmaster, noreply…), or `nil`.
    static func refusal(for address: String) -> String? {
        let local = address.split(separator: "@").first.map { $0.lowercased() } ?? ""
        let machine = ["mailer-daemon", "postmaster", "no_reply", "donotreply", "do-not-reply", "bounce", "bounces"]
        if machine.contains(local) || local.hasPrefix("noreply") || local.hasPrefix("no-reply") {
            return "the complainant's address (\(local)@…) is an automatic mailbox"
        }
        return nil
    }

    /// Whether one more automatic message may go to `address` now (and counts it when so).
    func allow(_ address: String, at now: Date) -> Bool {
        sent.withLock { sent in
            let recent = (sent[address.lowercased()] ?? []).filter { now.timeIntervalSince($0) < 3600 }
            guard recent.count < limit else {
                sent[address.lowercased()] = recent
                return false
            }
            sent[address.lowercased()] = recent + [now]
            return true
        }
    }

    /// Gives back the slot ``allow(_:at:)`` took at `now`: nothing was queued after all.
    func giveBack(_ address: String, at now: Date) {
        sent.withLock { sent in
            if let index = sent[address.lowercased()]?.lastIndex(of: now) {
                sent[address.lowercased()]?.remove(at: index)
            }
        }
    }
}
