import Casework
package import Foundation
import Mail

/// One message from the team mailbox that was filed to a case: who sent it, when it arrived, its text and the
/// files it carried. Read again from the kept raw message each time (the ledger keeps the bytes, not a copy).
package struct ReceivedCorrespondence: Sendable {
    /// A file the message carried, named on the web by ``id`` only (never by its file name or a path).
    package struct File: Sendable, Hashable {
        /// `<ledger row>-<position>`: opaque to the reader, and checked against the case on every download.
        package let id: String
        /// The file name as the sender gave it (may be empty, hostile or long: show it escaped).
        package let name: String
        /// The content type the sender declared (never trusted to decide how a browser shows it).
        package let contentType: String
        /// Its size in bytes.
        package let size: Int
    }

    /// The ledger row of the message.
    package let ledgerID: Int64
    /// When the mail server received it.
    package let receivedAt: Date
    /// The sender's display name, if given.
    package let fromName: String?
    /// The sender's address, if it could be read.
    package let fromAddress: String?
    /// The subject (may be empty).
    package let subject: String
    /// The readable text: the plain part, else text made from the HTML part (the HTML itself is never shown).
    package let text: String
    /// The files it carried.
    package let files: [File]
    /// Why the kept copy could not be read, when it could not (the other fields are then empty).
    package let problem: String?
}

/// The received correspondence of cases: the processed ledger rows whose outcome names the case (a message from
/// its complainant, or the message that opened it in triage), parsed from their kept raw copies.
package struct CaseCorrespondence: Sendable {
    /// The ledger; nil for a register kept in memory (tests), which has no mailbox.
    let ledger: InboundLedger?

    /// The correspondence kept in `casebook`'s workspace.
    package init(casebook: Casebook) {
        ledger = (casebook.register as? CaseRegister).map {
            InboundLedger(register: $0, workspaceRoot: casebook.workspace.root)
        }
    }

    /// Every message received for `reference`, oldest first; one whose copy cannot be read is listed with why.
    package func received(for reference: String) throws -> [ReceivedCorrespondence] {
        try rows(of: reference).map { row in
            do {
                return Self.correspondence(row, try ReceivedMailParser.parse([UInt8](try row.rawBytes())))
            } catch {
                return ReceivedCorrespondence(
                    ledgerID: row.id, receivedAt: row.arrivedAt, fromName: nil, fromAddress: nil, subject: "",
                    text: "", files: [],
                    problem: "The kept copy of this message cannot be read (inbound message \(row.id)): \(error)")
            }
        }
    }

    /// The file `id` with its bytes, when it is a file of a message of `reference`; nil for anything else
    /// (malformed, unknown, or another case's).
    package func file(_ id: String, of reference: String) throws -> (ReceivedCorrespondence.File, Data)? {
        guard let (ledgerID, position) = Self.parse(id) else { return nil }
        guard let row = try rows(of: reference).first(where: { $0.id == ledgerID }) else { return nil }
        let mail = try ReceivedMailParser.parse([UInt8](try row.rawBytes()))
        guard position >= 1, position <= mail.attachments.count else { return nil }
        let attachment = mail.attachments[position - 1]
        let file = Self.file(row.id, position, attachment)
        return (file, Data(attachment.data))
    }

    /// The rows whose stored outcome sends the message to `reference` (correspondence or triage; a bounce is a
    /// report about a letter pals sent, shown in the timeline, not correspondence).
    func rows(of reference: String) throws -> [InboundMessage] {
        guard let ledger else { return [] }
        return try ledger.processed(outcomeContaining: "\"\(reference)\"").filter { row in
            guard let text = row.outcome,
                let outcome = try? JSONDecoder().decode(MailboxOutcome.self, from: Data(text.utf8))
            else { return false }
            switch outcome {
            case .correspondence(let named), .triage(let named, _, _): return named == reference
            case .automatic, .bounced: return false
            }
        }
    }

    static func correspondence(_ row: InboundMessage, _ mail: ReceivedMail) -> ReceivedCorrespondence {
        ReceivedCorrespondence(
            ledgerID: row.id, receivedAt: row.arrivedAt, fromName: mail.from?.name, fromAddress: mail.from?.address,
            subject: mail.subject, text: mail.text,
            files: mail.attachments.enumerated().map { file(row.id, $0.offset + 1, $0.element) }, problem: nil)
    }

    static func file(_ ledgerID: Int64, _ position: Int, _ attachment: ReceivedAttachment)
        -> ReceivedCorrespondence
        .File
    {
        ReceivedCorrespondence.File(
            id: "\(ledgerID)-\(position)", name: attachment.filename ?? "", contentType: attachment.contentType,
            size: attachment.data.count)
    }

    /// `12-3` → (12, 3); nil for anything else (a name, a path, a sign, a huge number).
    static func parse(_ id: String) -> (Int64, Int)? {
        let parts = id.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ (1...12).contains($0.count) && $0.allSatisfy(\.isASCII) }),
            parts.allSatisfy({ $0.allSatisfy(\.isNumber) }),
            let ledgerID = Int64(parts[0]), let position = Int(parts[1])
        else { return nil }
        return (ledgerID, position)
    }
}
