package import Foundation
package import Primitives

/// An internal request, on a case, for a statement from another department or a member of staff (the PALS
/// officer "reaching out to other departments"): who was asked, by when, and whether the statement came back.
package struct StatementRequest: Sendable, Equatable, Codable {
    /// The case it belongs to.
    package var reference: String
    /// Its number within the case (1, 2, …): ``id`` is `S` and the number.
    package var number: Int
    /// The department or service asked, as the officer named it (e.g. "Ward 7", "Radiology").
    package var department: String
    /// The email address the request and its chasers go to (a department mailbox or a member of staff).
    package var address: String
    /// When it was requested.
    package var requestedAt: Date
    /// The day the statement is due.
    package var due: CivilDate
    /// When the statement was received, or `nil` while it is outstanding.
    package var receivedAt: Date?

    package init(
        reference: String, number: Int, department: String, address: String, requestedAt: Date, due: CivilDate,
        receivedAt: Date? = nil
    ) {
        self.reference = reference
        self.number = number
        self.department = department
        self.address = address
        self.requestedAt = requestedAt
        self.due = due
        self.receivedAt = receivedAt
    }

    /// The request's id within its case, e.g. `S1`.
    package var id: String { "S\(number)" }

    /// Whether the statement is still awaited.
    package var isOutstanding: Bool { receivedAt == nil }

    /// The number in an id an officer typed: `S2`, `s2` or `2`; `nil` when it is not one.
    package static func number(fromID text: String) -> Int? {
        var digits = Substring(text.trimmingCharacters(in: .whitespaces))
        if digits.first == "S" || digits.first == "s" { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let number = Int(digits), number > 0 else { return nil }
        return number
    }
}

/// A statement request as an officer asks for it, before the store gives it a number.
package struct StatementDraft: Sendable, Equatable {
    package var department: String
    package var address: String
    package var due: CivilDate

    package init(department: String, address: String, due: CivilDate) {
        self.department = department
        self.address = address
        self.due = due
    }
}

/// Where statement requests are kept, beside their cases: ``CaseRegister`` in SQLite, ``InMemoryCaseStore`` in
/// memory. Each change records its event in the case's history in the same transaction.
package protocol StatementStore: Sendable {
    /// Adds a request to an open case, numbered after the case's last one, and records a `statement` event.
    /// - Throws: ``RegisterError`` when there is no such case; ``CaseTransitionError`` when it is not open.
    func addStatementRequest(_ draft: StatementDraft, to reference: String, now: Date) throws -> StatementRequest

    /// The requests of a case, in number order.
    func statementRequests(for reference: String) throws(RegisterError) -> [StatementRequest]

    /// Every request still awaited, oldest due first.
    func outstandingStatementRequests() throws(RegisterError) -> [StatementRequest]

    /// Records that the statement of request `number` was received, with a `statement` event.
    /// - Throws: ``RegisterError`` when there is no such case or request; ``StatementError`` when it was
    ///   received already.
    func markStatementReceived(_ reference: String, number: Int, now: Date) throws -> StatementRequest
}

/// A statement request change that cannot be made as asked. Its message names the case and the request, never a
/// person or an address.
package struct StatementError: Error, LocalizedError, Sendable, Equatable {
    /// What went wrong.
    package enum Code: Sendable, Equatable {
        /// The case has no request with this id.
        case notFound
        /// The statement was recorded as received already.
        case alreadyReceived
        /// What was given is not valid (see the message).
        case invalid
    }

    package let code: Code
    package let reference: String
    package let message: String

    package init(_ code: Code, reference: String, message: String) {
        self.code = code
        self.reference = reference
        self.message = message
    }

    package var errorDescription: String? { message }

    package static func notFound(_ reference: String, number: Int) -> Self {
        Self(.notFound, reference: reference, message: "case \(reference) has no statement request S\(number)")
    }

    package static func alreadyReceived(_ request: StatementRequest) -> Self {
        Self(
            .alreadyReceived, reference: request.reference,
            message: "statement \(request.id) of case \(request.reference) was recorded as received on "
                + "\(request.receivedAt.map { CivilDate($0).iso } ?? "an earlier day")")
    }
}

extension CaseLifecycle {
    /// Why a statement may not be requested for the case as it stands (only an open case is looked into), or `nil`.
    package func statementRefusal() -> CaseTransitionError? {
        guard record.isOpen else {
            return CaseTransitionError(
                code: .notAllowedInStatus, reference: record.reference,
                message: "case \(record.reference) cannot have a statement requested: its status is "
                    + "\(record.status.rawValue)")
        }
        return nil
    }
}
