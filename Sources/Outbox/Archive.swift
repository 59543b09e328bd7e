package import Foundation

/// The sent-items archive of an ``OutboxStore`` (for ``Outbox``, the Maildir `sent/` with its metadata in
/// `sent/meta/`): listing, export (for a subject access request) and purge (for retention).
package struct OutboxArchive: Sendable {
    /// The store the archive belongs to.
    package let store: any OutboxStore

    /// The archive of `store`.
    package init(store: any OutboxStore) {
        self.store = store
    }

    /// Sent messages whose labels include every pair of `labels`, sent at or after `since`, oldest first.
    package func list(labels: [String: String] = [:], since: Date? = nil) throws(OutboxError) -> [OutboxItem] {
        try store.list(state: .sent, labels: labels).filter { item in
            guard let since else { return true }
            return (item.history.last(where: { $0.state == .sent })?.at ?? item.created) >= since
        }
    }

    /// A sent message by id (its metadata and, in ``OutboxItem/file``, its Maildir file).
    /// - Throws: ``OutboxError`` `notFound` (also when the message exists but was not sent), `purged`.
    package func show(_ id: String) throws(OutboxError) -> OutboxItem {
        let item = try store.show(id)
        guard item.state == .sent else {
            throw OutboxError(.notFound, id: id, state: item.state, reason: "the message is not in the sent archive")
        }
        return item
    }

    /// What ``export(labels:to:includeUnsent:)`` wrote.
    package struct ExportReport: Sendable, Hashable {
        /// The ids exported, oldest first.
        package var ids: [String]
        /// The folder written to.
        package var folder: URL
    }

    /// Copies every message whose labels match (of a case, say), with its metadata, into `folder`, as
    /// `<id>.eml` and `<id>.json` (files 0600, folder 0700), for a subject access request.
    /// - Parameters:
    ///   - labels: the labels to match, such as `["case": "PALS-2026-0042"]`; must not be empty.
    ///   - folder: where to write; made if missing.
    ///   - includeUnsent: also export messages that are queued, deferred, held, failed or cancelled.
    package func export(labels: [String: String], to folder: URL, includeUnsent: Bool = true) throws(OutboxError)
        -> ExportReport
    {
        guard !labels.isEmpty else {
            throw OutboxError(
                .invalidRequest, reason: "give at least one label to export by (such as the case reference)")
        }
        let items = includeUnsent ? try store.list(state: nil, labels: labels) : try list(labels: labels)
        let path = folder.standardizedFileURL.path
        try Files.makeFolder(path)
        for item in items {
            // Through the store, which refuses a message file that is a link or not a regular file.
            let data = try store.data(of: item.id)
            try Files.writeAtomically(data, to: path + "/\(item.id).eml")
            try Files.writeAtomically(try Outbox.encode(item), to: path + "/\(item.id).json")
        }
        Files.syncFolder(path)
        return ExportReport(ids: items.map(\.id), folder: folder)
    }

    /// What ``purge(where:sentBefore:dryRun:)`` removed (or would remove).
    package struct PurgeReport: Sendable, Hashable {
        /// The ids purged (or that would be), oldest first.
        package var ids: [String]
        /// True when nothing was removed.
        package var dryRun: Bool
    }

    /// Removes finished messages (sent, failed or cancelled) whose labels satisfy `predicate`, leaving a tombstone
    /// `purged/<id>` so their idempotency keys are never queued again.
    /// - Parameters:
    ///   - predicate: chooses by labels; the caller decides, say, which cases closed before a date.
    ///   - sentBefore: only messages whose last change of state is before this time, when given.
    ///   - dryRun: report what would be removed and remove nothing.
    /// - Important: messages still queued, deferred, on hold or being sent are never purged.
    @discardableResult
    package func purge(
        where predicate: ([String: String]) -> Bool, sentBefore: Date? = nil, dryRun: Bool
    ) throws(OutboxError) -> PurgeReport {
        try store.purge(where: predicate, sentBefore: sentBefore, dryRun: dryRun)
    }
}

extension Outbox {
    /// Removes finished messages chosen by labels and age, leaving a tombstone `purged/<id>` for each (written
    /// before anything is removed) so their idempotency keys are never queued again.
    @discardableResult
    package func purge(
        where predicate: ([String: String]) -> Bool, sentBefore: Date? = nil, dryRun: Bool
    ) throws(OutboxError) -> OutboxArchive.PurgeReport {
        var finished: [OutboxItem] = []
        for state in [OutboxState.sent, .failed, .cancelled] { finished += try list(state: state) }
        let chosen = OutboxRules.chooseForPurge(finished, where: predicate, sentBefore: sentBefore)
        if !dryRun {
            for item in chosen {
                try Files.writeAtomically(Data(), to: purgedPath + "/\(item.id)")
                Files.syncFolder(purgedPath)
                if let file = item.file?.path { Files.remove(file) }
                Files.remove(folderPath(item.state) + "/\(item.id).json")
            }
            for folder in [folderPath(.sent), sentRoot + "/cur", folderPath(.failed), folderPath(.cancelled)] {
                Files.syncFolder(folder)
            }
        }
        return OutboxArchive.PurgeReport(ids: chosen.map(\.id), dryRun: dryRun)
    }
}
