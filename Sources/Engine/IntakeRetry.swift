import Casework
import Foundation
import Letters
import Mail
import Outbox
import Primitives
import Synchronization

/// Why intake could not acknowledge a case, as far as what happens next is concerned.
///
/// Intake flags a case only for what a person must fix; anything that passes by itself is tried again with
/// backoff, because a flagged case waits for its officer while the statutory acknowledgement clock runs.
enum IntakeFailure: Sendable, Hashable {
    /// Passes by itself: a file or folder briefly not writable, a full disk, the register busy or failing, the
    /// outbox's storage. Tried again after ``IntakeRetries`` backoff; the case is not flagged.
    case transient
    /// Only a person can fix it: a bad or refused address, a missing template field, a letter the case's state
    /// forbids, a case no longer in the register, an unsafe or corrupt outbox file. The case is flagged and its
    /// officer told.
    case needsPerson

    /// The class of an error thrown while acknowledging a case. An error of a kind not listed here needs a person:
    /// nobody has decided that it passes by itself.
    static func classify(_ error: any Error) -> IntakeFailure {
        switch error {
        case let error as OutboxError:
            // Storage is the disk; the rest (a purged key, an unsafe file, bad metadata, a bad message) is not.
            return error.code == .storage ? .transient : .needsPerson
        case let error as RegisterError:
            // A missing case or a refused change is about the case; anything else is the database failing (busy,
            // locked, I/O, full).
            return error.isNotFound || error == RegisterError.invalid("", "") ? .needsPerson : .transient
        case is WorkspaceError:
            return .transient
        case let error as FileError:
            // The print queue's folder and file writes: a failed write is the disk; a link or a file where the
            // folder should be needs a person.
            return error.code == .failed ? .transient : .needsPerson
        case let error as CocoaError:
            // Foundation's file reading and writing errors (codes 0 to 1023).
            return (0..<1024).contains(error.code.rawValue) ? .transient : .needsPerson
        case is POSIXError:
            return .transient
        case is LetterError, is MailError, is LetterDeskError:
            return .needsPerson
        default:
            return .needsPerson
        }
    }
}

/// The cases intake will try again after a transient failure, and when: 1 s after the first failure, doubling to
/// 5 minutes. Kept in memory (a restart tries every unacknowledged case again anyway).
final class IntakeRetries: Sendable {
    /// One case's failures.
    struct Entry: Sendable, Hashable {
        /// Transient failures in a row.
        var failures: Int
        /// When the case may be tried again.
        var next: Date
        /// When the first failure of the run happened.
        var since: Date
        /// Whether the officer was told that the acknowledgement is delayed.
        var alerted: Bool
    }

    /// The wait after the first failure, in seconds.
    static let firstDelay: TimeInterval = 1
    /// The longest wait, in seconds.
    static let maximumDelay: TimeInterval = 300
    /// How long a case may fail transiently before its officer is told (once), in seconds; retries go on.
    static let alertAfter: TimeInterval = 3600

    private let entries = Mutex<[String: Entry]>([:])

    /// The wait after `failures` failures in a row.
    static func delay(afterFailures failures: Int) -> TimeInterval {
        min(maximumDelay, firstDelay * pow(2, Double(max(0, failures - 1))))
    }

    /// True while a case waits for its next try.
    func isWaiting(_ reference: String, now: Date) -> Bool {
        entries.withLock { $0[reference].map { now < $0.next } ?? false }
    }

    /// Records a transient failure and returns the case's entry, with its next try.
    func failed(_ reference: String, now: Date) -> Entry {
        entries.withLock { entries in
            var entry = entries[reference] ?? Entry(failures: 0, next: now, since: now, alerted: false)
            entry.failures += 1
            entry.next = now.addingTimeInterval(Self.delay(afterFailures: entry.failures))
            entries[reference] = entry
            return entry
        }
    }

    /// The earliest next try still to come after `now`, if a case waits for one (intake sleeps until then).
    func nextTry(after now: Date) -> Date? {
        entries.withLock { $0.values.map(\.next).filter { $0 > now }.min() }
    }

    /// Marks that the officer was told of the delay.
    func markAlerted(_ reference: String) {
        entries.withLock { $0[reference]?.alerted = true }
    }

    /// Forgets a case (acknowledged, or flagged for a person).
    func clear(_ reference: String) {
        _ = entries.withLock { $0.removeValue(forKey: reference) }
    }

    /// The entry of a case, if it failed transiently.
    func entry(_ reference: String) -> Entry? {
        entries.withLock { $0[reference] }
    }
}
