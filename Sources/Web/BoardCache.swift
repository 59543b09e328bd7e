package import Casework
package import Engine
import Foundation
package import Primitives
import Synchronization

/// The deadline board of every open case, worked out once per change of the register (or of the day) and shared
/// by the API's board and the web app's board page.
///
/// Working out 100,000 open cases takes about a second of one core; under load every request doing it again would
/// queue behind the others. A request first reads the register's change stamp (three indexed look-ups): the same
/// stamp and day give the same board. One request works out a new board while the others wait for it.
package final class BoardCache: Sendable {
    private struct Entry: Sendable {
        let stamp: RegisterChangeStamp
        let today: CivilDate
        let board: DeadlineBoard
    }

    private let register: CaseRegister
    private let deadlines: DeadlineDesk
    private let clock: WallClock
    private let entry = Mutex<Entry?>(nil)
    /// Held while a board is worked out, so concurrent misses work it out once.
    private let working = Mutex<Void>(())

    package init(register: CaseRegister, deadlines: DeadlineDesk, clock: WallClock) {
        self.register = register
        self.deadlines = deadlines
        self.clock = clock
    }

    /// The board of the open cases (of `officer` when given), most urgent first, filtered as
    /// ``DeadlineDesk/board(_:unreadable:today:within:overdueOnly:)`` filters. Blocks: call it off the pool.
    package func board(officer: String? = nil, within: Int? = nil, overdueOnly: Bool = false) throws -> DeadlineBoard {
        let full = try current()
        var items = full.items
        var problems = full.problems
        if let officer {
            items = items.filter { $0.officer == officer }
            problems = problems.filter { $0.officer == officer }
        }
        if overdueOnly {
            items = items.filter { $0.state == .red }
        } else if let within {
            items = items.filter { $0.state == .red || $0.workingDaysRemaining <= within }
        }
        return DeadlineBoard(items: items, problems: problems)
    }

    /// The board of every open case as the register stands now.
    private func current() throws -> DeadlineBoard {
        let today = clock.today()
        let stamp = try register.changeStamp()
        if let hit = cached(stamp, today) { return hit }
        return try working.withLock { _ in
            if let hit = cached(stamp, today) { return hit }  // worked out while this request waited
            let scan = try register.scheduleScan(CaseFilter(openOnly: true))
            let board = deadlines.board(scan.schedules, unreadable: scan.problems, today: today)
            // A change made during the scan gives a newer stamp at the next request, which works it out again.
            entry.withLock { $0 = Entry(stamp: stamp, today: today, board: board) }
            return board
        }
    }

    private func cached(_ stamp: RegisterChangeStamp, _ today: CivilDate) -> DeadlineBoard? {
        entry.withLock { entry in
            guard let entry, entry.stamp == stamp, entry.today == today else { return nil }
            return entry.board
        }
    }
}
