import Foundation
import Synchronization

/// Loop protection for automatic mail: never to machine addresses, and at most N per recipient per hour.
final class AutoReplyGuard: Sendable {
    private let limit: Int
    private let sent = Mutex<[String: [Date]]>([:])

    init(perRecipientPerHour: Int) { limit = perRecipientPerHour }

    /// Why an address must never get automatic mail (mailer-daemon, postmaster, noreply…), or `nil`.
    ///
    /// The rules see the mailbox as a server routes it (``mailbox(of:)``), so `"Postmaster"@example.org`,
    /// `"no\reply"@example.org` or `MAILER-DAEMON+x@example.org` are the machine addresses they are.
    static func refusal(for address: String) -> String? {
        let local = mailbox(of: address).local
        let machine = ["mailer-daemon", "postmaster", "no_reply", "donotreply", "do-not-reply", "bounce", "bounces"]
        if machine.contains(local) || local.hasPrefix("noreply") || local.hasPrefix("no-reply") {
            return "the complainant's address (\(local)@…) is an automatic mailbox"
        }
        return nil
    }

    /// The mailbox an address reaches, for comparing addresses: the local part unquoted (RFC 5321 quoted
    /// string: `"post\master"` is `postmaster`), without a `+tag`, lowercased; the domain lowercased.
    ///
    /// Subaddress tags are dropped because they reach the same mailbox and are how automatic senders write
    /// themselves (VERP bounces such as `bounces+1234-x=example.org@lists.example`, `noreply+id@`): a tag must
    /// not get past loop protection or the per-recipient cap. A tagged address meaning a different person is
    /// not a thing any mail system does. Only the first unquoted `+` counts, as Postfix's
    /// `recipient_delimiter = +` does; a `+` inside quotes is part of the name.
    static func mailbox(of address: String) -> (local: String, domain: String) {
        let trimmed = address.trimmingCharacters(in: .whitespacesAndNewlines)
        var local = ""
        var domain: Substring = ""
        var quoted = false
        var escaped = false
        var tagged = false
        var index = trimmed.startIndex
        while index < trimmed.endIndex {
            let character = trimmed[index]
            if escaped {
                if !tagged { local.append(character) }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == "@" && !quoted {
                domain = trimmed[trimmed.index(after: index)...]
                break
            } else if character == "+" && !quoted && !local.isEmpty {
                tagged = true
            } else if !tagged {
                local.append(character)
            }
            index = trimmed.index(after: index)
        }
        return (local.lowercased(), domain.lowercased())
    }

    /// Whether one more automatic message may go to `address` now (and counts it when so).
    func allow(_ address: String, at now: Date) -> Bool {
        let key = Self.key(address)
        return sent.withLock { sent in
            let recent = (sent[key] ?? []).filter { now.timeIntervalSince($0) < 3600 }
            guard recent.count < limit else {
                sent[key] = recent
                return false
            }
            sent[key] = recent + [now]
            return true
        }
    }

    /// Gives back the slot ``allow(_:at:)`` took at `now`: nothing was queued after all.
    func giveBack(_ address: String, at now: Date) {
        let key = Self.key(address)
        sent.withLock { sent in
            if let index = sent[key]?.lastIndex(of: now) {
                sent[key]?.remove(at: index)
            }
        }
    }

    /// The key the cap counts under: the mailbox, so every way of writing one address shares one count.
    private static func key(_ address: String) -> String {
        let (local, domain) = mailbox(of: address)
        return "\(local)@\(domain)"
    }
}
