import Foundation
package import Primitives

/// How a complaint ended, recorded when it closes: the finding the national returns (KO41a, KO41b) and the annual
/// report count. The raw values are what the register stores and what `pals case close --outcome` takes.
package enum CaseOutcome: String, Codable, Sendable, CaseIterable {
    /// Substantive evidence was found to support the complaint (every issue raised).
    case upheld
    /// Some, but not all, of the issues raised were upheld.
    case partlyUpheld = "partly-upheld"
    /// No evidence was found to support any part of the complaint.
    case notUpheld = "not-upheld"
    /// The complainant withdrew the complaint before a finding.
    case withdrawn
    /// The complaint was passed to another body to answer (that body counts it in its own return).
    case referredElsewhere = "referred-elsewhere"

    /// Whether the outcome is a finding of an investigation (upheld, partly upheld, not upheld): the complaints
    /// the returns count as resolved.
    package var isFinding: Bool {
        switch self {
        case .upheld, .partlyUpheld, .notUpheld: true
        case .withdrawn, .referredElsewhere: false
        }
    }

    /// The outcome in words, e.g. "partly upheld".
    package var words: String { rawValue.replacingOccurrences(of: "-", with: " ") }
}

/// Who made the complaint, as the KO41 returns count it ("status of complainant").
package enum ComplainantStatus: String, Codable, Sendable, CaseIterable {
    /// The patient complained about their own care.
    case patient
    /// A relative or carer (or another representative) complained on the patient's behalf.
    case relativeOrCarer = "relative-or-carer"
    /// Anyone else (e.g. an advocate, an MP's office, a member of the public).
    case other
}

/// The patient's age band, as the KO41 returns count it ("age of patient"): under 18, 18 to 64, 65 and over,
/// and unknown when it was never given (a valid, recorded answer, not missing coding).
///
/// The returns' own bands could not be confirmed from the collection's guidance found (only that an "age unknown"
/// box exists); these are the broad bands in common use, and finer local bands can be mapped onto them.
package enum AgeBand: String, Codable, Sendable, CaseIterable {
    case under18 = "0-17"
    case from18to64 = "18-64"
    case from65 = "65-and-over"
    case unknown
}

/// What the ombudsman decided about a complaint referred to it.
package enum OmbudsmanResult: String, Codable, Sendable, CaseIterable {
    /// The ombudsman decided not to investigate (or closed it at assessment).
    case notInvestigated = "not-investigated"
    case upheld
    case partlyUpheld = "partly-upheld"
    case notUpheld = "not-upheld"

    /// The result in words, e.g. "partly upheld".
    package var words: String { rawValue.replacingOccurrences(of: "-", with: " ") }
}

/// A referral of a complaint to the ombudsman of its jurisdiction (PHSO, PSOW, SPSO, NIPSO), and, later, its result.
package struct OmbudsmanReferral: Codable, Sendable, Equatable {
    /// The day the complainant (or the body) referred the complaint to the ombudsman.
    package var referredOn: CivilDate
    /// What the ombudsman decided; `nil` while it is still with the ombudsman.
    package var result: OmbudsmanResult?
    /// The day of the ombudsman's decision; set with ``result``.
    package var resultOn: CivilDate?

    package init(referredOn: CivilDate, result: OmbudsmanResult? = nil, resultOn: CivilDate? = nil) {
        self.referredOn = referredOn
        self.result = result
        self.resultOn = resultOn
    }

    /// Whether the ombudsman has decided.
    package var isDecided: Bool { result != nil }
}

/// How a complaint is coded for the returns and reports: its outcome and the categories of the KO41 collections.
///
/// Subjects, service area and profession are the ids of the workspace's configured categories (``CodingCategories``,
/// the KO41a lists by default); the fixed sets are types.
package struct CaseCoding: Codable, Sendable, Equatable {
    /// How the complaint ended; set when it closes (or when a responded case is coded).
    package var outcome: CaseOutcome?
    /// The subjects of the complaint (one or more), category ids; a complaint counts once under each.
    package var subjects: [String]
    /// The service areas complained about (one or more), category ids; a complaint counts once under each.
    package var serviceAreas: [String]
    /// The staff groups or professions complained about (one or more), category ids; counted once under each.
    package var professions: [String]
    /// Who complained.
    package var complainantStatus: ComplainantStatus?
    /// The patient's age band.
    package var ageBand: AgeBand?

    package init(
        outcome: CaseOutcome? = nil, subjects: [String] = [], serviceAreas: [String] = [], professions: [String] = [],
        complainantStatus: ComplainantStatus? = nil, ageBand: AgeBand? = nil
    ) {
        self.outcome = outcome
        self.subjects = subjects
        self.serviceAreas = serviceAreas
        self.professions = professions
        self.complainantStatus = complainantStatus
        self.ageBand = ageBand
    }

    /// Whether nothing is coded yet.
    package var isEmpty: Bool { self == CaseCoding() }

    /// The parts of the coding the returns need for a new complaint that are not recorded yet, in words (e.g.
    /// "subject", "age band"); the outcome is asked for separately, since only a finished complaint has one.
    /// - Parameter serviceArea: whether the return counts service areas (KO41a does, KO41b does not).
    package func missingForReturns(serviceArea: Bool = true) -> [String] {
        var missing: [String] = []
        if subjects.isEmpty { missing.append("subject") }
        if serviceArea, serviceAreas.isEmpty { missing.append("service area") }
        if professions.isEmpty { missing.append("profession") }
        if complainantStatus == nil { missing.append("complainant status") }
        if ageBand == nil { missing.append("age band") }
        return missing
    }
}

/// One category of a coding list (a subject, a service area or a profession): the id officers type, the words
/// reports show, and the KO41 category it is counted under.
package struct CodingCategory: Codable, Sendable, Equatable {
    /// The id stored on a case, e.g. `communications` (lower case, digits and hyphens).
    package var id: String
    /// The category in words, e.g. "Communications".
    package var label: String
    /// The id of the KO41 category it is counted under (its own id for a KO41 category).
    package var ko41: String

    package init(id: String, label: String, ko41: String? = nil) {
        self.id = id
        self.label = label
        self.ko41 = ko41 ?? id
    }
}

/// The three coding lists a workspace uses (`coding.subjects`, `coding.serviceAreas`, `coding.professions`).
///
/// The defaults are the KO41a categories as best known: the collection's guidance names the sections (service area,
/// subject area, profession) but the lists themselves could not be confirmed from a source found, so they are
/// configuration, and a body may use its own categories, each mapped to the KO41 category it is counted under.
package struct CodingCategories: Sendable, Equatable {
    package var subjects: [CodingCategory]
    package var serviceAreas: [CodingCategory]
    package var professions: [CodingCategory]

    package init(
        subjects: [CodingCategory] = Self.ko41aSubjects, serviceAreas: [CodingCategory] = Self.ko41aServiceAreas,
        professions: [CodingCategory] = Self.ko41aProfessions
    ) {
        self.subjects = subjects
        self.serviceAreas = serviceAreas
        self.professions = professions
    }

    /// The category with this id in `list`, or `nil`.
    package static func find(_ id: String, in list: [CodingCategory]) -> CodingCategory? {
        list.first { $0.id == id }
    }

    /// The KO41a subject areas (best known; see the type's note).
    package static let ko41aSubjects: [CodingCategory] = [
        .init(id: "access-to-treatment-or-drugs", label: "Access to treatment or drugs"),
        .init(id: "admissions-and-discharges", label: "Admissions, discharges and transfers"),
        .init(id: "appointments", label: "Appointments, including delays and cancellations"),
        .init(id: "clinical-treatment", label: "Clinical treatment"),
        .init(id: "commissioning", label: "Commissioning"),
        .init(id: "communications", label: "Communications"),
        .init(id: "consent", label: "Consent"),
        .init(id: "end-of-life-care", label: "End of life care"),
        .init(id: "facilities", label: "Facilities"),
        .init(id: "integrated-care", label: "Integrated care, including delayed discharge"),
        .init(id: "mental-health-act", label: "Mental Health Act"),
        .init(id: "mortuary", label: "Mortuary"),
        .init(id: "patient-care", label: "Patient care, including nutrition and hydration"),
        .init(id: "prescribing", label: "Prescribing"),
        .init(id: "privacy-dignity-wellbeing", label: "Privacy, dignity and wellbeing"),
        .init(id: "restraint", label: "Restraint"),
        .init(id: "staff-numbers", label: "Staff numbers"),
        .init(id: "transport", label: "Transport (ambulances and other)"),
        .init(id: "trust-administration", label: "Administration, policies and procedures, including records"),
        .init(id: "values-and-behaviours", label: "Values and behaviours (staff)"),
        .init(id: "waiting-times", label: "Waiting times"),
        .init(id: "other", label: "Other"),
    ]

    /// The KO41a service areas (best known; see the type's note).
    package static let ko41aServiceAreas: [CodingCategory] = [
        .init(id: "inpatient", label: "Inpatient hospital services"),
        .init(id: "outpatient", label: "Outpatient hospital services"),
        .init(id: "accident-and-emergency", label: "Accident and emergency"),
        .init(id: "maternity", label: "Maternity"),
        .init(id: "mental-health", label: "Mental health"),
        .init(id: "learning-disabilities", label: "Learning disabilities"),
        .init(id: "ambulance", label: "Ambulance services"),
        .init(id: "community-hospital", label: "Community hospitals"),
        .init(id: "community-services", label: "Community health services"),
        .init(id: "other", label: "Other"),
    ]

    /// The KO41a professions and staff groups (best known; see the type's note).
    package static let ko41aProfessions: [CodingCategory] = [
        .init(id: "medical", label: "Medical, including surgical"),
        .init(id: "nursing-midwifery", label: "Nursing, midwifery and health visiting"),
        .init(id: "allied-health", label: "Allied health professions"),
        .init(id: "scientific-therapeutic-technical", label: "Scientific, therapeutic and technical"),
        .init(id: "ambulance", label: "Ambulance staff"),
        .init(id: "dental", label: "Dental"),
        .init(id: "administrative", label: "Administrative staff and board members"),
        .init(id: "other", label: "Other"),
    ]
}
