package import Foundation
import Primitives
import Synchronization
import WorkingDays

/// A case store in memory: the twin of ``CaseRegister`` for tests, with the same contract and none of its files.
package final class InMemoryCaseStore: CaseStore {
    private struct State {
        var cases: [String: Case] = [:]
        var events: [String: [CaseEvent]] = [:]
        /// The last number given in each reference scope (a pattern with its year filled in).
        var counters: [String: Int] = [:]
    }

    private let state = Mutex(State())
    /// The statement requests of each case (see ``StatementStore``); locked only inside `state`'s lock.
    let statementRequests = Mutex<[String: [StatementRequest]]>([:])

    /// An empty store.
    package init() {}

    package var notice: String? { nil }

    package func create(
        _ form: CaseForm, pattern: ReferencePattern, now: Date, taken: Set<String>
    ) throws(RegisterError) -> Case {
        state.withLock { state in
            let scope = pattern.scope(year: CivilDate(form.receivedAt).year)
            var reference: String
            repeat {
                let number = (state.counters[scope.key] ?? 0) + 1
                state.counters[scope.key] = number
                reference = scope.reference(number: number)
            } while taken.contains(reference) || state.cases[reference] != nil
            let (record, logged) = CaseLifecycle.start(
                form, reference: reference, caseId: UUID().uuidString.lowercased(), now: now)
            state.cases[reference] = record
            state.events[reference] = [logged]
            return record
        }
    }

    package func find(_ reference: String) throws(RegisterError) -> Case? {
        state.withLock { $0.cases[reference] }
    }

    package func cases(_ filter: CaseFilter) throws(RegisterError) -> [Case] {
        state.withLock { state in
            state.cases.values.filter { filter.matches($0.schedule) }
                .sorted { ($0.receivedAt, $0.reference) < ($1.receivedAt, $1.reference) }
        }
    }

    package func schedules(_ filter: CaseFilter) throws(RegisterError) -> [CaseSchedule] {
        try cases(filter).map(\.schedule)
    }

    package func scheduleScan(_ filter: CaseFilter) throws(RegisterError)
        -> (schedules: [CaseSchedule], problems: [CaseProblem])
    {
        (try schedules(filter), [])
    }

    package func events(for reference: String) throws(RegisterError) -> [CaseEvent] {
        state.withLock { $0.events[reference] ?? [] }
    }

    package func references(withEvent kind: CaseEventKind, containing text: String) throws(RegisterError) -> [String] {
        state.withLock { state in
            state.cases.values.sorted { ($0.receivedAt, $0.reference) < ($1.receivedAt, $1.reference) }.map(\.reference)
                .filter { reference in
                    (state.events[reference] ?? []).contains { $0.kind == kind && $0.detail.contains(text) }
                }
        }
    }

    @discardableResult
    package func apply(
        _ reference: String, now: Date, _ transition: (inout CaseLifecycle) throws -> Void
    ) throws -> Case {
        try state.withLock { state in
            guard let record = state.cases[reference] else { throw RegisterError.notFound(reference) }
            var lifecycle = CaseLifecycle(record)
            try transition(&lifecycle)
            var changed = lifecycle.record
            if changed != record {
                changed.updatedAt = now
                state.cases[reference] = changed
            }
            state.events[reference, default: []].append(contentsOf: lifecycle.events)
            return changed
        }
    }
}

extension CaseStore where Self == InMemoryCaseStore {
    /// A new, empty case store in memory (for tests).
    package static func inMemory() -> InMemoryCaseStore { InMemoryCaseStore() }
}
