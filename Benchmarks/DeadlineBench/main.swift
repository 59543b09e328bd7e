// deadline-bench: computes England deadlines for 1,000,000 receipt dates spread over 2013–2027 and prints the
// median of several rounds as `deadlines: N dates in S s (R/s)`. Run with `swift run -c release deadline-bench`.
import Casework
import Foundation
import Primitives
import WorkingDays

let count = 1_000_000
let rounds = 7
let first = CivilDate(year: 2013, month: 1, day: 1)!
let span = first.days(to: CivilDate(year: 2027, month: 12, day: 31)!) + 1
let dates = (0..<count).map { first.adding(days: $0 * span / count) }
let inputs = dates.map { DeadlineInput(received: $0) }

let calculator = DeadlineCalculator(profile: .defaults(for: .england))
let clock = ContinuousClock()
var seconds: [Double] = []
var checksum = 0
for _ in 0..<rounds {
    let elapsed = clock.measure {
        for input in inputs {
            guard let deadlines = try? calculator.deadlines(for: input) else { fatalError("no deadlines for \(input)") }
            checksum &+=
                deadlines.acknowledgeBy.dayNumber &+ deadlines.respondBy.dayNumber
                &+ (deadlines.backstop?.dayNumber ?? 0)
        }
    }
    seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
}
let median = seconds.sorted()[rounds / 2]
FileHandle.standardError.write(
    Data("rounds: \(seconds.map { String(format: "%.3f", $0) }.joined(separator: " ")) s; checksum \(checksum)\n".utf8))
print("deadlines: \(count) dates in \(String(format: "%.3f", median)) s (\(Int((Double(count) / median).rounded()))/s)")
