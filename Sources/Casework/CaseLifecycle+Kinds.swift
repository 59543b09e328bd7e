extension CaseLifecycle {
    /// What a case's kind, and the letter's purpose, say about a letter before its status is asked.
    package enum KindRule: Sendable, Equatable {
        /// The letter is refused whatever the status.
        case refuse(LetterRefusal)
        /// The letter is allowed whatever the status (e.g. confirming a withdrawal on a withdrawn case).
        case allow
        /// The case's status decides, as for any letter.
        case byStatus
    }

    /// The rules of the letters that depend on the case's kind or consent rather than only its status:
    ///
    /// - A PALS concern takes only its concern resolution (and a kind the workspace added itself): every other
    ///   letter speaks of a complaint, so the concern is converted first. Only a concern takes the concern
    ///   resolution.
    /// - The withdrawn letter may confirm a withdrawal already recorded.
    /// - Passing a complaint to another body, or replying to an MP, shares the patient's information: refused
    ///   while the patient's consent is requested or refused.
    /// - An MP may write after the final response, so a reply to an MP is allowed then too.
    package func kindRule(for purpose: LetterPurpose) -> KindRule {
        if record.kind == .concern, purpose != .concernResolution, purpose != .other, purpose != .staff {
            return .refuse(.concern(purpose))
        }
        switch purpose {
        case .concernResolution:
            // A closed or withdrawn complaint says so first: that is what the officer must change.
            let closedOrWithdrawn = record.status == .closed || record.status == .withdrawn
            return record.kind == .concern || closedOrWithdrawn ? .byStatus : .refuse(.notAConcern)
        case .withdrawalConfirmation:
            return record.status == .withdrawn ? .allow : .byStatus
        case .redirection:
            guard record.isOpen else { return .byStatus }
            return consentRefusal().map(KindRule.refuse) ?? .allow
        case .representativeReply:
            guard record.isOpen || record.status == .responded else { return .byStatus }
            return consentRefusal().map(KindRule.refuse) ?? .allow
        case .acknowledgement, .progress, .timeLimitDecision, .finalResponse, .consentRequest, .staff, .other:
            return .byStatus
        }
    }

    /// Why the patient's information may not go to someone else (another body, an MP), or `nil` when it may: the
    /// complainant is the patient, or their consent state allows it (``ConsentState/allowsDisclosure``).
    package func consentRefusal() -> LetterRefusal? {
        guard record.patient != nil, !record.consent.allowsDisclosure else { return nil }
        return .consentDoesNotAllow(record.consent)
    }
}
