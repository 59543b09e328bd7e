import Casework
import Engine
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Primitives

extension WebApp {
    /// A file that came with an email received for the case, downloaded by its opaque id. Someone who may not see
    /// the case, or an id that is not a file of this case (another case's, say), gets "not found", audited.
    func receivedFile(_ reference: String, _ id: String, _ signed: SignedIn) async throws -> Response {
        guard let record = try await visibleCase(reference, signed, action: .openedCorrespondence) else {
            return notFound(signed.viewer)
        }
        let found = try await blocking { () -> (ReceivedCorrespondence.File, Data)? in
            let found = try CaseCorrespondence(casebook: casebook).file(id, of: record.reference)
            // The id is written to the audit only in its checked form: a refused one may be anything.
            let shownID = found?.0.id ?? "(not a file of this case)"
            try server.audit.record(
                reference: record.reference, principal: signed.principal, action: .openedCorrespondence,
                detail: found == nil ? "refused: \(shownID)" : "downloaded attachment \(shownID)")
            return found
        }
        guard let (file, data) = found else {
            logger.notice(
                "web app: a received file that is not of this case was refused",
                metadata: ["case": "\(record.reference)", "user": "\(signed.account.name)"])
            return notFound(signed.viewer)
        }
        let name = AttachmentDownload.safeFileName(file.name, fallback: "attachment-\(file.id)")
        return AttachmentDownload.response(data, name: name, declaredType: file.contentType)
    }
}
