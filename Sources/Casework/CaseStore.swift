package import Foundation

/// Where cases and their histories are kept: the seam between Engine and a storage backend.
///
/// ``CaseRegister`` keeps them in SQLite; ``InMemoryCaseStore`` (``inMemory()``) in memory, for tests. A case is
/// changed only through its lifecycle (``apply(_:now:_:)``), so every backend stores the same typed events. The
/// protocol names no storage technology (no SQL, no files), so a PostgreSQL backend can stand behind it later.
package protocol CaseStore: Sendable {
    /// A warning for a person about what this store, as opened, cannot show (e.g. changes it could not read), or
    /// `nil`.
    var notice: String? { get }

    /// Logs a new case: allocates its reference atomically from `pattern` (skipping for good any in `taken`, the
    /// references the outbox and archive already carry), gives it a new random ``Case/caseId`` and records the
    /// `logged` event (``CaseLifecycle/start(_:reference:caseId:now:)``).
    func create(
        _ form: CaseForm, pattern: ReferencePattern, now: Date, taken: Set<String>
    ) throws(RegisterError) -> Case

    /// The case with this reference, or `nil`.
    func find(_ reference: String) throws(RegisterError) -> Case?

    /// Cases matching `filter`, oldest received first (then by reference).
    func cases(_ filter: CaseFilter) throws(RegisterError) -> [Case]

    /// The schedules of the cases matching `filter`, in the order of ``cases(_:)``: no personal data.
    func schedules(_ filter: CaseFilter) throws(RegisterError) -> [CaseSchedule]

    /// The schedules of the cases matching `filter`, each read on its own: a case that cannot be read is returned
    /// as a problem naming its reference, never an error that hides every other case.
    func scheduleScan(_ filter: CaseFilter) throws(RegisterError)
        -> (schedules: [CaseSchedule], problems: [CaseProblem])

    /// ``scheduleScan(_:)`` one case at a time: each schedule to `body`, each case that cannot be read to `problem`
    /// (a store that can, reads row by row and holds none of them).
    func forEachSchedule(
        _ filter: CaseFilter, _ body: (CaseSchedule) -> Void, problem: (CaseProblem) -> Void
    ) throws(RegisterError)

    /// The history of a case, oldest first.
    func events(for reference: String) throws(RegisterError) -> [CaseEvent]

    /// The references of cases with an event of `kind` whose detail contains `text`, oldest case first (to find what
    /// an interrupted step already recorded without reading every case).
    func references(withEvent kind: CaseEventKind, containing text: String) throws(RegisterError) -> [String]

    /// Runs a lifecycle transition on a case atomically: stores the case as the transition left it (with `now` as
    /// its last change, when it changed) and every event it recorded; returns the case.
    /// - Throws: ``RegisterError`` when there is no such case or the store fails; what `transition` throws (e.g.
    ///   ``CaseTransitionError``), and then nothing is stored.
    @discardableResult
    func apply(_ reference: String, now: Date, _ transition: (inout CaseLifecycle) throws -> Void) throws -> Case
}

extension CaseStore {
    /// The case with this reference; throws ``RegisterError/notFound(_:)`` when there is none.
    package func get(_ reference: String) throws(RegisterError) -> Case {
        guard let found = try find(reference) else { throw RegisterError.notFound(reference) }
        return found
    }

    /// Every case, oldest first.
    package func cases() throws(RegisterError) -> [Case] { try cases(CaseFilter()) }

    /// Every case's schedule.
    package func schedules() throws(RegisterError) -> [CaseSchedule] { try schedules(CaseFilter()) }

    /// ``forEachSchedule(_:_:problem:)`` over the whole ``scheduleScan(_:)`` (a store that holds its cases anyway).
    package func forEachSchedule(
        _ filter: CaseFilter, _ body: (CaseSchedule) -> Void, problem: (CaseProblem) -> Void
    ) throws(RegisterError) {
        let scan = try scheduleScan(filter)
        scan.problems.forEach(problem)
        scan.schedules.forEach(body)
    }

    /// Logs a new case whose reference may be any the pattern gives.
    package func create(_ form: CaseForm, pattern: ReferencePattern, now: Date) throws(RegisterError) -> Case {
        try create(form, pattern: pattern, now: now, taken: [])
    }
}

extension CaseFilter {
    /// Whether `schedule` is one this filter lists (the rule every store applies).
    package func matches(_ schedule: CaseSchedule) -> Bool {
        if openOnly, !schedule.isOpen { return false }
        if let officer, schedule.officer != officer { return false }
        if let status, schedule.status != status { return false }
        if awaitingAcknowledgement, schedule.acknowledgedAt != nil { return false }
        if awaitingAcknowledgement, schedule.kind != .complaint { return false }
        return true
    }
}
