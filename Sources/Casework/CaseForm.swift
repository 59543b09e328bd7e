package import Foundation
package import Primitives
package import WorkingDays

/// A new complaint as given in the case JSON format, validated field by field.
///
/// Every problem is collected, so one run of `pals case new` names them all.
package struct CaseForm: Sendable, Equatable {
    package var receivedAt: Date
    package var channel: Channel
    package var complainant: Complainant
    package var patient: Patient?
    package var consent: ConsentState
    package var summary: String
    package var service: String
    package var officer: String
    package var profile: ProfileID
    package var stage: Int?
    package var complexity: String?
    package var agreedResponseDate: CivilDate?
    package var acknowledgedOutsidePals: Bool
    /// A complaint (the default) or a PALS concern (`"kind": "concern"`).
    package var kind: CaseKind = .complaint
    /// Whether the case starts in triage (it came in by the team mailbox and has no officer yet).
    package var awaitsTriage = false
    /// Words added to the `logged` event (e.g. which mailbox message the case came from), or nil.
    package var loggedNote: String?

    /// What the form is checked against: the workspace's officers and defaults.
    package struct Rules: Sendable {
        package var officers: Set<String>
        package var defaultProfile: ProfileID
        package var complexities: Set<String>
        package var now: Date
        /// Whether a text is a valid email address (the mail layer's RFC 5321 check, passed in because
        /// Casework does not depend on Mail).
        package var isEmailAddress: @Sendable (String) -> Bool
        /// Profiles that take over from others for complaints received from a date (e.g. Northern Ireland's model
        /// procedure): a complaint received on or after the day is logged under the new profile.
        package var successions: [ProfileSuccession] = []

        package init(
            officers: Set<String>, defaultProfile: ProfileID, complexities: Set<String>, now: Date,
            isEmailAddress: @escaping @Sendable (String) -> Bool
        ) {
            self.officers = officers
            self.defaultProfile = defaultProfile
            self.complexities = complexities
            self.now = now
            self.isEmailAddress = isEmailAddress
        }
    }

    /// The keys the case JSON format accepts at its top level.
    package static let topLevelKeys: Set<String> = [
        "received", "channel", "complainant", "patient", "consent", "summary", "service", "officer",
        "profile", "stage", "complexity", "agreedResponseDate", "acknowledged",
        "kind",
    ]
    /// The keys of the complainant object.
    package static let complainantKeys: Set<String> = [
        "title", "firstName", "lastName", "address", "postcode", "email", "phone", "preferredContact",
        "language", "accessibleInformation", "interpreterLanguage",
    ]
    /// The keys of the patient object.
    package static let patientKeys: Set<String> = ["title", "firstName", "lastName"]

    /// Parses and validates the case JSON; throws ``CaseFormError`` listing every problem.
    package static func parse(json data: Data, rules: Rules) throws(CaseFormError) -> CaseForm {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw CaseFormError([.init(field: "(file)", message: "is not valid JSON: \(Self.jsonFailure(error))")])
        }
        guard let root = object as? [String: Any] else {
            throw CaseFormError([.init(field: "(file)", message: "must be a JSON object with the case's fields")])
        }
        var reader = FieldReader(object: root, path: "")
        let form = reader.readForm(rules: rules)
        if let form, reader.problems.isEmpty { return form }
        throw CaseFormError(reader.problems)
    }

    private static func jsonFailure(_ error: any Error) -> String {
        let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
        return text ?? "the text could not be parsed"
    }
}

/// One problem with one field of a case.
package struct CaseFieldProblem: Sendable, Equatable, CustomStringConvertible {
    /// The dotted path of the field, e.g. `complainant.email`.
    package var field: String
    /// What is wrong, phrased to follow the field name.
    package var message: String

    package init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    package var description: String { "\(field): \(message)" }
}

/// Every problem found in a case, one per field; nothing was stored (or, for a change, nothing was changed).
///
/// A problem's message may echo what was typed (an address, a name), so the log form names only the fields.
package struct CaseFormError: PalsError, Equatable {
    /// What kind of problem this is (there is one kind: see the problems).
    package typealias Code = ErrorCode<CaseFormError>

    package var problems: [CaseFieldProblem]
    /// What was not done, e.g. "the case was not stored" or "PALS-2026-0001 was not changed".
    package var outcome: String

    package init(_ problems: [CaseFieldProblem], outcome: String = "the case was not stored") {
        self.problems = problems
        self.outcome = outcome
    }

    /// Always ``ErrorCode/invalidFields``.
    package var code: Code { .invalidFields }

    /// One line per problem; values echoed from the input have their control characters escaped.
    package var errorDescription: String? {
        (["\(outcome): \(problems.count) problem(s)"] + problems.map { "  \($0.description.escapingControls)" })
            .joined(separator: "\n")
    }

    /// The log form: the outcome and the fields concerned, never what was typed in them.
    package var description: String { logDescription }
    package var logContext: [(name: String, value: String)] {
        [("fields", problems.map(\.field).joined(separator: " "))]
    }
    package var logReason: String? { outcome }
}

extension ErrorCode where Domain == CaseFormError {
    /// Matches an error against a code: `catch CaseFormError.Code.invalidFields { … }`.
    package static func ~= (code: Self, error: any Error) -> Bool { code.matches(error) }

    /// Some fields of the case are missing or wrong: see the problems.
    package static let invalidFields = Self("invalid case fields")
}

/// Reads typed fields out of a JSON object, recording a problem for each bad one.
struct FieldReader {
    let object: [String: Any]
    let path: String
    var problems: [CaseFieldProblem] = []

    init(object: [String: Any], path: String) {
        self.object = object
        self.path = path
    }

    private func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    mutating func problem(_ key: String, _ message: String) {
        problems.append(CaseFieldProblem(field: name(key), message: message))
    }

    mutating func rejectUnknownKeys(allowed: Set<String>) {
        for key in object.keys.sorted() where !allowed.contains(key) {
            problem(key, "is not a field of the case format (known: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    private func isAbsent(_ key: String) -> Bool { object[key] == nil || object[key] is NSNull }

    /// A string that must be present and not blank.
    mutating func requiredString(_ key: String) -> String? {
        guard !isAbsent(key) else {
            problem(key, "is missing")
            return nil
        }
        guard let value = object[key] as? String else {
            problem(key, "must be a string")
            return nil
        }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            problem(key, "is empty")
            return nil
        }
        return trimmed
    }

    /// A string that may be absent; blank counts as absent.
    mutating func optionalString(_ key: String) -> String? {
        guard !isAbsent(key) else { return nil }
        guard let value = object[key] as? String else {
            problem(key, "must be a string")
            return nil
        }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ key: String, default fallback: T?) -> T?
    where T.RawValue == String {
        let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
        // Absent, null and blank all mean "not given": the default, or a problem when there is none.
        guard let raw = optionalString(key) else {
            if fallback == nil, object[key] == nil || object[key] is NSNull || object[key] is String {
                problem(key, "is missing (one of: \(allowed))")
            }
            return fallback
        }
        guard let value = T(rawValue: raw) else {
            problem(key, "'\(raw)' is not one of: \(allowed)")
            return nil
        }
        return value
    }

    mutating func stringList(_ key: String) -> [String] {
        guard !isAbsent(key) else { return [] }
        guard let list = object[key] as? [Any], list.allSatisfy({ $0 is String }) else {
            problem(key, "must be a list of strings")
            return []
        }
        return list.compactMap { ($0 as? String)?.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
    }

    /// Whether JSON gave `true` or `false` (Foundation boxes both booleans and numbers as NSNumber).
    static func isBoolean(_ number: NSNumber) -> Bool {
        String(describing: type(of: number)).contains("Boolean")
    }

    mutating func bool(_ key: String) -> Bool {
        guard !isAbsent(key) else { return false }
        guard let number = object[key] as? NSNumber, Self.isBoolean(number) else {
            problem(key, "must be true or false")
            return false
        }
        return number.boolValue
    }

    mutating func integer(_ key: String) -> Int? {
        guard !isAbsent(key) else { return nil }
        guard let number = object[key] as? NSNumber, !Self.isBoolean(number),
            let value = Int(exactly: number.doubleValue)
        else {
            problem(key, "must be a whole number")
            return nil
        }
        return value
    }

    /// A date `YYYY-MM-DD` inside ``CaseDates``' window.
    mutating func civilDate(_ key: String) -> CivilDate? {
        guard let raw = optionalString(key) else { return nil }
        guard let date = CivilDate(iso: raw) else {
            problem(key, "'\(raw)' is not a date in the form YYYY-MM-DD")
            return nil
        }
        if let outside = CaseDates.outsideWindow(date) {
            problem(key, outside)
            return nil
        }
        return date
    }

    /// When the complaint was received: a full ISO 8601 timestamp, a local `YYYY-MM-DDTHH:MM` in Europe/London, or
    /// a date; not in the future, and inside ``CaseDates``' window. A date alone is a day, so today is accepted at
    /// any hour (taken as 09:00, or now when that is still ahead).
    mutating func received(_ key: String, now: Date) -> Date? {
        guard let raw = optionalString(key) else { return now }
        guard let instant = Self.parseInstant(raw) else {
            problem(key, "'\(raw)' is not a date (YYYY-MM-DD) or a time (YYYY-MM-DDTHH:MM, optionally with a zone)")
            return nil
        }
        // A date alone is checked as written (a calendar may shift a year such as 1500 when making an instant of it).
        let day = CivilDate(iso: raw) ?? CivilDate(instant)
        if CaseDates.outsideWindow(day) != nil {
            problem(
                key, "\(raw) is outside the dates pals accepts (\(CaseDates.earliest.iso) to \(CaseDates.latest.iso))")
            return nil
        }
        if CivilDate(iso: raw) != nil {
            guard day <= CivilDate(now) else {
                problem(key, "\(day.iso) is in the future (today is \(CivilDate(now).iso))")
                return nil
            }
            return min(instant, now)
        }
        // A time may run a few minutes ahead of this machine's clock (another machine's), not more.
        guard instant <= now.addingTimeInterval(300) else {
            problem(key, "is in the future")
            return nil
        }
        return instant
    }

    static func parseInstant(_ raw: String) -> Date? {
        let iso = ISO8601DateFormatter()
        if let date = iso.date(from: raw) { return date }
        let local = DateFormatter()
        local.locale = Locale(identifier: "en_GB_POSIX")
        local.timeZone = londonTimeZone
        for format in ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm"] {
            local.dateFormat = format
            if let date = local.date(from: raw) { return date }
        }
        if let day = CivilDate(iso: raw) {
            var components = DateComponents(year: day.year, month: day.month, day: day.day, hour: 9)
            components.timeZone = londonTimeZone
            return Calendar(identifier: .gregorian).date(from: components)
        }
        return nil
    }

    mutating func nested(_ key: String, allowed: Set<String>, required: Bool) -> FieldReader? {
        guard !isAbsent(key) else {
            if required { problem(key, "is missing") }
            return nil
        }
        guard let inner = object[key] as? [String: Any] else {
            problem(key, "must be an object")
            return nil
        }
        var reader = FieldReader(object: inner, path: name(key))
        reader.rejectUnknownKeys(allowed: allowed)
        return reader
    }

    mutating func readForm(rules: CaseForm.Rules) -> CaseForm? {
        rejectUnknownKeys(allowed: CaseForm.topLevelKeys)
        let receivedAt = received("received", now: rules.now)
        let channel: Channel? = choice("channel", default: nil)
        let complainant = readComplainant(isEmailAddress: rules.isEmailAddress)
        let patient = readPatient()
        let consent: ConsentState? = choice("consent", default: patient == nil ? .notNeeded : .requested)
        if patient == nil, let consent, consent != .notNeeded {
            problem("consent", "is '\(consent.rawValue)' but the case has no patient (omit it or give the patient)")
        }
        let summary = requiredString("summary")
        let service = requiredString("service")
        let officer = requiredString("officer")
        if let officer, !rules.officers.contains(officer) {
            let known = rules.officers.sorted().joined(separator: ", ")
            problem("officer", "'\(officer)' is not an officer of this workspace (known: \(known))")
        }
        let named: ProfileID? = choice("profile", default: rules.defaultProfile)
        let profile = named.map { named in
            receivedAt.map {
                ProfileSuccession.profile(named, receivedOn: CivilDate($0), successions: rules.successions)
            } ?? named
        }
        let stage = integer("stage")
        if let stage, ![1, 2].contains(stage) { problem("stage", "must be 1 or 2") }
        if let stage, let profile, !profile.hasStages, stage != 1 {
            problem("stage", "profile '\(profile.rawValue)' has no stages")
        }
        let complexity = optionalString("complexity")
        if let complexity, !rules.complexities.contains(complexity) {
            let known = rules.complexities.sorted().joined(separator: ", ")
            problem("complexity", "'\(complexity)' is not a configured complexity (known: \(known))")
        }
        var agreed = civilDate("agreedResponseDate")
        if let date = agreed, let receivedAt,
            let why = CaseDates.agreedResponseProblem(date, received: CivilDate(receivedAt))
        {
            problem("agreedResponseDate", why)
            agreed = nil
        }
        let acknowledged = bool("acknowledged")
        let kind: CaseKind? = choice("kind", default: .complaint)

        guard let receivedAt, let channel, let complainant, let consent, let summary, let service,
            let officer, let profile, problems.isEmpty
        else { return nil }
        return CaseForm(
            receivedAt: receivedAt, channel: channel, complainant: complainant, patient: patient,
            consent: consent, summary: summary, service: service, officer: officer, profile: profile,
            stage: profile.hasStages ? (stage ?? 1) : nil, complexity: complexity,
            agreedResponseDate: agreed, acknowledgedOutsidePals: acknowledged, kind: kind ?? .complaint
        )
    }

    private mutating func readComplainant(isEmailAddress: (String) -> Bool) -> Complainant? {
        guard var person = nested("complainant", allowed: CaseForm.complainantKeys, required: true) else {
            return nil
        }
        defer { problems += person.problems }
        let title = person.optionalString("title")
        let first = person.requiredString("firstName")
        let last = person.requiredString("lastName")
        let address = person.stringList("address")
        let postcode = person.optionalString("postcode")
        let email = person.optionalString("email")
        if let email, !isEmailAddress(email) {
            person.problem("email", "is not a valid email address")
        }
        let phone = person.optionalString("phone")
        let preferred: ContactPreference? = person.choice(
            "preferredContact", default: email == nil ? .post : .email)
        if preferred == .email, email == nil { person.problem("email", "is missing but preferredContact is email") }
        if preferred == .post, address.isEmpty {
            person.problem("address", "is missing but letters go by post (preferredContact is post)")
        }
        let language: Language? = person.choice("language", default: .en)
        let needs = person.stringList("accessibleInformation").compactMap { raw -> AccessibleInformationNeed? in
            guard let need = AccessibleInformationNeed(rawValue: raw) else {
                let known = AccessibleInformationNeed.allCases.map(\.rawValue).joined(separator: ", ")
                person.problem("accessibleInformation", "'\(raw)' is not one of: \(known)")
                return nil
            }
            return need
        }
        let interpreterLanguage = person.optionalString("interpreterLanguage")
        if needs.contains(.anotherLanguage), interpreterLanguage == nil {
            person.problem("interpreterLanguage", "is missing but accessibleInformation lists another-language")
        }
        guard let first, let last, let preferred, let language else { return nil }
        return Complainant(
            title: title, firstName: first, lastName: last, addressLines: address, postcode: postcode,
            email: email, phone: phone, preferredContact: preferred, language: language,
            accessibleInformation: needs, interpreterLanguage: interpreterLanguage
        )
    }

    private mutating func readPatient() -> Patient? {
        guard var person = nested("patient", allowed: CaseForm.patientKeys, required: false) else { return nil }
        defer { problems += person.problems }
        let title = person.optionalString("title")
        let first = person.requiredString("firstName")
        let last = person.requiredString("lastName")
        guard let first, let last else { return nil }
        return Patient(title: title, firstName: first, lastName: last)
    }
}

/// The time zone every civil date in pals is taken in.
let londonTimeZone = TimeZone.europeLondon
