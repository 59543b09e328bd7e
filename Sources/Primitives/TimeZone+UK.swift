package import Foundation

extension TimeZone {
    /// Europe/London, the time zone in which the UK's working days begin and end (GMT if tzdata is missing).
    package static let europeLondon: TimeZone = TimeZone(identifier: "Europe/London") ?? TimeZone(secondsFromGMT: 0)!
}
