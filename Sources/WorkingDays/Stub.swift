// STUB: replaced by the real WorkingDays at integration.
public import Foundation
public struct CivilDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var year: Int, month: Int, day: Int
    public init?(iso: String) {
        let p = iso.split(separator: "-").compactMap { Int($0) }
        guard p.count == 3 else { return nil }
        year = p[0]; month = p[1]; day = p[2]
    }
    public init(_ date: Date, timeZone: TimeZone = TimeZone(identifier: "Europe/London")!) {
        var c = Calendar(identifier: .gregorian); c.timeZone = timeZone
        let d = c.dateComponents([.year, .month, .day], from: date)
        year = d.year!; month = d.month!; day = d.day!
    }
    public var iso: String { String(format: "%04d-%02d-%02d", year, month, day) }
    public var description: String { iso }
    public static func < (a: Self, b: Self) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }
    public init(from decoder: any Decoder) throws { self.init(iso: try decoder.singleValueContainer().decode(String.self))! }
    public func encode(to encoder: any Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(iso) }
}
public struct WallClock: Sendable {
    public let now: @Sendable () -> Date
    public init(now: @escaping @Sendable () -> Date) { self.now = now }
    public static let system = WallClock(now: { Date() })
}
