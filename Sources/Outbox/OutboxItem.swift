package import Foundation
package import Mail
internal import Primitives
internal import Synchronization

/// Where a message is in its life; each state but `sent` is a folder of the outbox.
package enum OutboxState: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Waiting to be sent, due now.
    case queued
    /// Handed (or about to be handed) to the transport by a running sender.
    case active
    /// A temporary failure; waiting for its next attempt.
    case deferred
    /// Stopped for an officer: an uncertain outcome, an interrupted send, or put on hold by hand.
    case hold
    /// Given up: a permanent failure, or temporary failures for longer than the retry policy allows.
    case failed
    /// Accepted by the server and kept in the sent-items archive (a Maildir).
    case sent
    /// Taken out of the queue by an officer; kept for the record.
    case cancelled

    package static func < (lhs: OutboxState, rhs: OutboxState) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// One message of the outbox with its metadata: what its sidecar `<id>.json` holds, plus where its `.eml` is.
package struct OutboxItem: Sendable, Hashable, Codable {
    /// One hand-over to the transport and what came of it.
    package struct Attempt: Sendable, Hashable, Codable {
        /// When the outcome was known.
        package var at: Date
        /// `delivered`, `temporary-failure`, `permanent-failure` or `uncertain`.
        package var outcome: String
        /// The SMTP reply code, when there was one.
        package var code: Int?
        /// The server's reply, or the reason (libcurl's words, a timeout).
        package var reply: String

        /// An attempt record.
        package init(at: Date, outcome: String, code: Int?, reply: String) {
            self.at = at
            self.outcome = outcome
            self.code = code
            self.reply = reply
        }

        /// The record of a transport's outcome.
        package init(at: Date, _ outcome: DeliveryOutcome) {
            self.at = at
            switch outcome {
            case .delivered(let reply): (self.outcome, code, self.reply) = ("delivered", Self.code(of: reply), reply)
            case .temporaryFailure(let code, let reply):
                (self.outcome, self.code, self.reply) = ("temporary-failure", code, reply)
            case .permanentFailure(let code, let reply):
                (self.outcome, self.code, self.reply) = ("permanent-failure", code, reply)
            case .uncertain(let reason): (self.outcome, code, reply) = ("uncertain", nil, reason)
            }
        }

        private static func code(of reply: String) -> Int? {
            reply.count >= 3 ? Int(reply.prefix(3)) : nil
        }
    }

    /// One change of state, with why.
    package struct Transition: Sendable, Hashable, Codable {
        /// When it happened.
        package var at: Date
        /// The state entered.
        package var state: OutboxState
        /// Why, in words for the officer (a reply, "held by operator", "interrupted while sending...").
        package var reason: String?

        /// A transition record.
        package init(at: Date, state: OutboxState, reason: String? = nil) {
            self.at = at
            self.state = state
            self.reason = reason
        }
    }

    /// The message id: sortable by queueing time, unique, safe as a file name (`20260105T093000123Z-3f9c2a7b1d0e`).
    package var id: String
    /// The idempotency key the message was queued under.
    package var key: String
    /// Free-form labels from the caller, such as `case` and `kind` (never patient data).
    package var labels: [String: String]
    /// The envelope sender (MAIL FROM).
    package var sender: String
    /// The envelope recipient (RCPT TO).
    package var recipient: String
    /// The Message-ID header of the message, when it has one.
    package var messageID: String?
    /// The size of the message in bytes.
    package var size: Int
    /// When the message was first queued.
    package var created: Date
    /// When the retry policy's lifetime started: creation, or the last operator retry or release.
    package var queuedAt: Date
    /// The state, as given by the folder the `.eml` is in.
    package var state: OutboxState
    /// When a deferred message is next due (nil: due now).
    package var nextAttempt: Date?
    /// Every hand-over to the transport, oldest first.
    package var attempts: [Attempt]
    /// The last reply from the server (or reason), if any.
    package var lastReply: String?
    /// Every change of state, oldest first.
    package var history: [Transition]
    /// For a sent message, its file in the Maildir relative to `sent/` (`cur/<unique>:2,S`).
    package var archiveFile: String?
    /// Incremented at each write of the metadata; the highest revision wins when copies disagree.
    package var revision: Int
    /// The `.eml` file of the message (not stored; found when read).
    package var file: URL?

    enum CodingKeys: String, CodingKey {
        case id, key, labels, sender, recipient, messageID, size, created, queuedAt, state, nextAttempt, attempts
        case lastReply, history, archiveFile, revision
    }

    /// Why the message is in its state: the reason of its last transition.
    package var reason: String? { history.last?.reason }

    /// The message as handed to a transport (labelled with its id).
    func outgoing(data: Data) throws(OutboxError) -> OutgoingMessage {
        do throws(MailError) {
            let envelope = Envelope(
                sender: try EmailAddress(sender, field: "envelope sender", smtpUTF8: true),
                recipient: try EmailAddress(recipient, field: "envelope recipient", smtpUTF8: true))
            return OutgoingMessage(envelope: envelope, data: data, label: id)
        } catch {
            throw OutboxError(.invalidMessage, id: id, reason: "the stored envelope cannot be read: \(error)")
        }
    }

    mutating func enter(_ newState: OutboxState, at time: Date, reason: String?) {
        state = newState
        history.append(Transition(at: time, state: newState, reason: reason))
        revision += 1
    }
}

/// Message ids: `yyyyMMddTHHmmssSSSZ-` and 12 random hex digits; sorting them sorts by queueing time.
enum MessageIDs {
    /// A counter from a random start, so ids made by one process within a millisecond keep increasing.
    private static let serial = Mutex<UInt64>(UInt64.random(in: 0..<(1 << 47)))

    static func make(at date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let days = Int64((Double(milliseconds) / 86_400_000).rounded(.down))
        let inDay = milliseconds - days * 86_400_000
        let day = CivilDate(dayNumber: Int(days))
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let time =
            pad(inDay / 3_600_000, 2) + pad(inDay / 60_000 % 60, 2) + pad(inDay / 1000 % 60, 2)
            + pad(inDay % 1000, 3)
        // Ids made by this process keep increasing within a millisecond; the random start keeps processes apart.
        let serial = Self.serial.withLock { value -> UInt64 in
            value = (value + 1) & ((1 << 48) - 1)
            return value
        }
        let random = String(serial, radix: 16)
        return pad(Int64(day.year), 4) + pad(Int64(day.month), 2) + pad(Int64(day.day), 2) + "T" + time + "Z-"
            + String(repeating: "0", count: 12 - random.count) + random
    }

    /// True for a string of the id's alphabet (so it can name a file): letters, digits and `-`, 1 to 64 long.
    static func isValid(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count)
            && id.utf8.allSatisfy {
                ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45
            }
    }
}

/// Reads the Message-ID header from the header section of a message.
enum HeaderScan {
    static func messageID(in data: Data) -> String? {
        var line: [UInt8] = []
        var collecting: String?
        for byte in data.prefix(262_144) {
            guard byte == 10 else {
                line.append(byte)
                continue
            }
            if line.last == 13 { line.removeLast() }
            if line.isEmpty { break }  // end of the header section
            let text = String(decoding: line, as: UTF8.self)
            line = []
            if let first = text.utf8.first, first == 32 || first == 9 {
                collecting? += text  // a folded continuation
            } else if collecting != nil {
                break
            } else if text.lowercased().hasPrefix("message-id:") {
                collecting = String(text.dropFirst("message-id:".count))
            }
        }
        return collecting?.trimmingCharacters(in: .whitespaces)
    }
}
