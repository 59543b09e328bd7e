import Primitives
import Testing

/// Shorthand for a date the test knows exists.
func day(_ iso: String, sourceLocation: SourceLocation = #_sourceLocation) -> CivilDate {
    guard let date = CivilDate(iso: iso) else {
        Issue.record("\(iso) is not a date", sourceLocation: sourceLocation)
        return CivilDate(dayNumber: 0)
    }
    return date
}
