package import Foundation

extension CaseForm {
    /// The form of a case that came in by the team mailbox: received when the message arrived, from the sender's
    /// name and address, the subject as its summary, in triage (no officer, no service) until an officer takes
    /// it on. The profile is the workspace's default until triage says otherwise.
    package static func fromMailbox(
        receivedAt: Date, senderName: String?, senderAddress: String, summary: String, profile: ProfileID
    ) -> CaseForm {
        let words = (senderName ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
        let complainant = Complainant(
            firstName: words.dropLast().joined(separator: " "), lastName: words.last ?? "", email: senderAddress,
            preferredContact: .email)
        return CaseForm(
            receivedAt: receivedAt, channel: .email, complainant: complainant, patient: nil, consent: .notNeeded,
            summary: summary, service: "", officer: "", profile: profile,
            stage: profile.hasStages ? 1 : nil, complexity: nil, agreedResponseDate: nil,
            acknowledgedOutsidePals: false, awaitsTriage: true)
    }
}
