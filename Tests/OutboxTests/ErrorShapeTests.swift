import Foundation
import Outbox
import Testing

/// Outbox errors have the one shape: code, message id, state and path in the log form, controls escaped.
@Suite struct OutboxErrorShape {
    @Test func theLogFormNamesTheMessageAndEscapesControls() {
        let error = OutboxError(
            .wrongState, id: "20261125T090000000Z-0001", state: .sent, path: "/srv/Outbox/x\nforged",
            reason: "a sent message cannot be cancelled")
        #expect(
            error.description
                == "not allowed in this state (message 20261125T090000000Z-0001, state sent, "
                + #"path /srv/Outbox/x\nforged): a sent message cannot be cancelled"#)
        #expect(OutboxError.Code.wrongState ~= error)
        #expect(!(OutboxError.Code.notFound ~= error))
    }
}
