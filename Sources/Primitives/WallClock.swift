package import Foundation

/// Where "now" comes from: the system clock in production, a fixed instant in tests.
///
/// - Important: the library never reads the time except through a clock it is given.
package struct WallClock: Sendable {
    /// Returns the current instant.
    package let now: @Sendable () -> Date

    /// Makes a clock that asks `now` for the time.
    package init(now: @escaping @Sendable () -> Date) {
        self.now = now
    }

    /// The system clock.
    package static let system = WallClock { Date() }

    /// A clock stopped at `instant`.
    package static func fixed(_ instant: Date) -> WallClock {
        WallClock { instant }
    }

    /// A clock stopped at noon, London time, on `day`.
    package static func fixed(_ day: CivilDate) -> WallClock {
        .fixed(day.date(hour: 12))
    }

    /// Today's date in `timeZone` (by default Europe/London).
    package func today(in timeZone: TimeZone = .europeLondon) -> CivilDate {
        CivilDate(self.now(), timeZone: timeZone)
    }
}
