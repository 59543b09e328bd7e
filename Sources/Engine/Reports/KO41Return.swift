package import Casework
import Foundation
package import Primitives

/// The national collection a return is for.
package enum KO41Collection: String, Sendable, Codable, CaseIterable {
    /// Hospital and community health services (trusts): counts service areas too.
    case ko41a = "KO41a"
    /// Primary care (GP and dental practices): no service areas.
    case ko41b = "KO41b"

    /// Whether the return has a service-area section.
    package var countsServiceAreas: Bool { self == .ko41a }
}

/// One line of a return's table: a category and how many complaints it counts.
package struct KO41Line: Sendable, Codable, Equatable {
    /// The category's id, e.g. `communications` or `0-17`.
    package var id: String
    /// The category in words.
    package var label: String
    package var count: Int
}

/// The return of a body's written complaints for a financial year (KO41a or KO41b), made from the register.
///
/// Counting rules, from the collections' guidance (NHS England, "Data on Written Complaints in the NHS"):
/// - only complaints count: PALS concerns are not complaints, and a case still in triage is not yet known to be one;
/// - a complaint counts once in the summary; the age, complainant, service-area, subject and profession tables
///   count only the complaints new in the year, once in each category they name (so those tables may add up to
///   more than the new complaints, but never fewer), while age and complainant status add up to the new ones;
/// - brought forward: received before the year and not ended before it; resolved: ended in the year with a
///   finding (upheld, partly upheld, not upheld); carried forward: still not ended on 31 March;
/// - complaints withdrawn or passed to another body in the year have no finding and are not resolved: they are
///   shown on a line of their own so that brought forward + new = resolved + withdrawn or referred + carried
///   forward.
package struct KO41Return: Sendable, Codable, Equatable {
    package var collection: KO41Collection
    /// The body's name (`organisation.name`).
    package var organisation: String
    /// The financial year, e.g. `2026-27`.
    package var year: String
    /// The first and last day of the year.
    package var from: CivilDate
    package var to: CivilDate
    package var summary: Summary
    /// Age of patient (new complaints).
    package var ageOfPatient: [KO41Line]
    /// Status of complainant (new complaints).
    package var statusOfComplainant: [KO41Line]
    /// Service area (new complaints; KO41a only, empty for KO41b).
    package var serviceAreas: [KO41Line]
    /// Subject area (new complaints).
    package var subjects: [KO41Line]
    /// Profession or staff group (new complaints).
    package var professions: [KO41Line]

    /// The summary of overall numbers.
    package struct Summary: Sendable, Codable, Equatable {
        package var broughtForward: Int
        package var new: Int
        package var upheld: Int
        package var partlyUpheld: Int
        package var notUpheld: Int
        /// Upheld + partly upheld + not upheld.
        package var resolved: Int
        /// Ended in the year without a finding (withdrawn, or passed to another body to answer).
        package var withdrawnOrReferred: Int
        package var carriedForward: Int
    }

    /// Counts the return for `year` from every case in the register.
    /// - Throws: ``KO41Error`` when a complaint the return counts lacks coding (the return would be wrong).
    package static func make(
        _ collection: KO41Collection, year: FinancialYear, rows: [CaseReportRow], categories: CodingCategories,
        organisation: String
    ) throws(KO41Error) -> KO41Return {
        let gaps = CodingCheck.gaps(
            rows, year: year, categories: categories, serviceAreas: collection.countsServiceAreas)
        guard gaps.isEmpty else { throw KO41Error.incomplete(collection, year, gaps) }
        var summary = Summary(
            broughtForward: 0, new: 0, upheld: 0, partlyUpheld: 0, notUpheld: 0, resolved: 0, withdrawnOrReferred: 0,
            carriedForward: 0)
        var ages: [String: Int] = [:]
        var statuses: [String: Int] = [:]
        var areas: [String: Int] = [:]
        var subjects: [String: Int] = [:]
        var professions: [String: Int] = [:]
        for row in rows where row.kind == .complaint && row.status != .triage {
            let received = row.receivedDate
            guard received <= year.lastDay else { continue }
            // A case cannot end before it was received (a clock set back): it ends on its day of receipt then.
            let ended = row.endedOn.map { max($0, received) }
            if let ended, ended < year.firstDay { continue }
            if received < year.firstDay { summary.broughtForward += 1 } else { summary.new += 1 }
            if let ended, ended <= year.lastDay {
                switch row.endedWith {
                case .upheld: summary.upheld += 1
                case .partlyUpheld: summary.partlyUpheld += 1
                case .notUpheld: summary.notUpheld += 1
                case .withdrawn, .referredElsewhere, nil: summary.withdrawnOrReferred += 1
                }
            } else {
                summary.carriedForward += 1
            }
            guard received >= year.firstDay else { continue }
            let coding = row.coding
            ages[(coding.ageBand ?? .unknown).rawValue, default: 0] += 1
            statuses[(coding.complainantStatus ?? .other).rawValue, default: 0] += 1
            for id in ko41IDs(coding.subjects, categories.subjects) { subjects[id, default: 0] += 1 }
            for id in ko41IDs(coding.professions, categories.professions) { professions[id, default: 0] += 1 }
            if collection.countsServiceAreas {
                for id in ko41IDs(coding.serviceAreas, categories.serviceAreas) { areas[id, default: 0] += 1 }
            }
        }
        summary.resolved = summary.upheld + summary.partlyUpheld + summary.notUpheld
        let defaults = CodingCategories()
        return KO41Return(
            collection: collection, organisation: organisation, year: year.description, from: year.firstDay,
            to: year.lastDay, summary: summary,
            ageOfPatient: AgeBand.allCases.map {
                KO41Line(id: $0.rawValue, label: $0.label, count: ages[$0.rawValue] ?? 0)
            },
            statusOfComplainant: ComplainantStatus.allCases.map {
                KO41Line(id: $0.rawValue, label: $0.label, count: statuses[$0.rawValue] ?? 0)
            },
            serviceAreas: collection.countsServiceAreas ? lines(defaults.serviceAreas, areas) : [],
            subjects: lines(defaults.subjects, subjects), professions: lines(defaults.professions, professions))
    }

    /// The KO41 categories a case's coded ids are counted under, each once (two local categories mapped to one
    /// KO41 category count the complaint once there).
    private static func ko41IDs(_ ids: [String], _ list: [CodingCategory]) -> Set<String> {
        Set(ids.compactMap { CodingCategories.find($0, in: list)?.ko41 })
    }

    /// Every KO41 category with its count, zeros included (the forms want a value in every box).
    private static func lines(_ categories: [CodingCategory], _ counts: [String: Int]) -> [KO41Line] {
        categories.map { KO41Line(id: $0.id, label: $0.label, count: counts[$0.id] ?? 0) }
    }

    // MARK: Output

    /// The return as CSV: `section,id,label,count`, one line per box, summary first.
    package var csv: String {
        var lines = ["section,id,label,count"]
        func add(_ section: String, _ id: String, _ label: String, _ count: Int) {
            lines.append([section, id, label, String(count)].map(Self.csvField).joined(separator: ","))
        }
        add("summary", "brought-forward", "Brought forward from the previous year", summary.broughtForward)
        add("summary", "new", "New complaints received", summary.new)
        add("summary", "upheld", "Resolved: upheld", summary.upheld)
        add("summary", "partly-upheld", "Resolved: partly upheld", summary.partlyUpheld)
        add("summary", "not-upheld", "Resolved: not upheld", summary.notUpheld)
        add("summary", "resolved", "Total resolved", summary.resolved)
        add("summary", "withdrawn-or-referred", "Withdrawn or passed to another body", summary.withdrawnOrReferred)
        add("summary", "carried-forward", "Carried forward to the next year", summary.carriedForward)
        for (section, table) in [
            ("age-of-patient", ageOfPatient), ("status-of-complainant", statusOfComplainant),
            ("service-area", serviceAreas), ("subject", subjects), ("profession", professions),
        ] {
            for line in table { add(section, line.id, line.label, line.count) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The return as JSON (keys sorted, dates as YYYY-MM-DD).
    package func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break; a leading `=`, `+`, `-` or `@` is
    /// prefixed with an apostrophe so a spreadsheet never runs it as a formula.
    static func csvField(_ text: String) -> String {
        var text = text
        if let first = text.first, "=+-@".contains(first), Int(text) == nil { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension AgeBand {
    /// The band in words.
    package var label: String {
        switch self {
        case .under18: "0 to 17"
        case .from18to64: "18 to 64"
        case .from65: "65 and over"
        case .unknown: "Age unknown"
        }
    }
}

extension ComplainantStatus {
    /// The status in words.
    package var label: String {
        switch self {
        case .patient: "Patient"
        case .relativeOrCarer: "Relative, carer or other representative"
        case .other: "Other"
        }
    }
}

/// A return that cannot be made as asked.
package struct KO41Error: PalsError {
    package typealias Code = ErrorCode<KO41Error>
    package let code: Code
    package let message: String
    /// The complaints lacking coding, when that is the problem.
    package let gaps: [CodingGap]

    package var errorDescription: String? { message }
    package var description: String { logDescription }
    package var logReason: String? { message }

    static func incomplete(_ collection: KO41Collection, _ year: FinancialYear, _ gaps: [CodingGap]) -> Self {
        let shown = gaps.prefix(20).map(\.reference).joined(separator: ", ")
        let more = gaps.count > 20 ? " and \(gaps.count - 20) more" : ""
        let count = gaps.count == 1 ? "1 complaint lacks" : "\(gaps.count) complaints lack"
        return Self(
            code: .incomplete,
            message: "\(count) the coding the \(collection.rawValue) return for \(year) needs: \(shown)\(more)",
            gaps: gaps)
    }

    static func wrongCollection(_ collection: KO41Collection, _ type: OrganisationType) -> Self {
        let right: KO41Collection = type.isPrimaryCare ? .ko41b : .ko41a
        return Self(
            code: .wrongCollection,
            message: "this workspace is a \(type.rawValue) (organisation.type), which submits \(right.rawValue), "
                + "not \(collection.rawValue)",
            gaps: [])
    }
}

extension ErrorCode where Domain == KO41Error {
    package static func ~= (code: Self, error: any Error) -> Bool { code.matches(error) }
    /// Complaints the return counts lack coding.
    package static let incomplete = Self("return incomplete")
    /// The workspace's body submits the other collection.
    package static let wrongCollection = Self("wrong collection")
}

extension Casebook {
    /// The `collection` return of this workspace for `year`.
    /// - Throws: ``KO41Error`` when the body submits the other collection or a complaint lacks coding.
    package func ko41(_ collection: KO41Collection, year: FinancialYear) throws -> KO41Return {
        let configuration = workspace.configuration
        let type = configuration.organisationType
        guard type.isPrimaryCare == (collection == .ko41b) else { throw KO41Error.wrongCollection(collection, type) }
        return try KO41Return.make(
            collection, year: year, rows: try register.reportListing(), categories: configuration.coding,
            organisation: configuration.organisation.name)
    }
}
