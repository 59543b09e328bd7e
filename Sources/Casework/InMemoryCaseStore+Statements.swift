package import Foundation
import Primitives
import Synchronization

extension InMemoryCaseStore: StatementStore {
    package func addStatementRequest(
        _ draft: StatementDraft, to reference: String, now: Date
    ) throws -> StatementRequest {
        var added: StatementRequest?
        try apply(reference, now: now) { lifecycle in
            if let refusal = lifecycle.statementRefusal() { throw refusal }
            let request = statementRequests.withLock { requests in
                let number = (requests[reference]?.map(\.number).max() ?? 0) + 1
                let request = StatementRequest(
                    reference: reference, number: number, department: draft.department, address: draft.address,
                    requestedAt: now, due: draft.due)
                requests[reference, default: []].append(request)
                return request
            }
            lifecycle.recordStatement(
                "statement \(request.id) requested from \(request.department), due \(request.due.iso)", at: now)
            added = request
        }
        return added!
    }

    package func statementRequests(for reference: String) throws(RegisterError) -> [StatementRequest] {
        statementRequests.withLock { $0[reference] ?? [] }
    }

    package func outstandingStatementRequests() throws(RegisterError) -> [StatementRequest] {
        statementRequests.withLock { requests in
            requests.values.flatMap { $0 }.filter(\.isOutstanding)
                .sorted { ($0.due, $0.reference, $0.number) < ($1.due, $1.reference, $1.number) }
        }
    }

    package func markStatementReceived(_ reference: String, number: Int, now: Date) throws -> StatementRequest {
        var received: StatementRequest?
        try apply(reference, now: now) { lifecycle in
            let request = try statementRequests.withLock { requests throws -> StatementRequest in
                guard let index = requests[reference]?.firstIndex(where: { $0.number == number }) else {
                    throw StatementError.notFound(reference, number: number)
                }
                guard requests[reference]![index].isOutstanding else {
                    throw StatementError.alreadyReceived(requests[reference]![index])
                }
                requests[reference]![index].receivedAt = now
                return requests[reference]![index]
            }
            lifecycle.recordStatement("statement \(request.id) received from \(request.department)", at: now)
            received = request
        }
        return received!
    }
}
