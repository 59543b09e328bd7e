package import Casework
package import Foundation

/// The new-case form: the fields of the case JSON format (`pals case new`) as named form fields, turned into the
/// same JSON so the same validation (``CaseForm``) judges them, with its messages placed beside the fields.
package struct NewCaseForm: Sendable, Equatable {
    /// What was typed, by form field name (`complainant.firstName`, …).
    package var values: [String: String]

    package init(values: [String: String] = [:]) { self.values = values }

    /// The form's one-line fields, with the longest text each takes.
    static let lineFields: [String: Int] = [
        "received": 40, "channel": 20, "kind": 20, "officer": 64, "complexity": 64, "consent": 40,
        "complainant.title": 40, "complainant.firstName": 200, "complainant.lastName": 200,
        "complainant.postcode": 20, "complainant.email": 254, "complainant.phone": 40,
        "complainant.preferredContact": 10, "complainant.language": 5, "service": 200,
        "patient.title": 40, "patient.firstName": 200, "patient.lastName": 200,
    ]
    /// The form's multi-line fields (line breaks allowed), with the longest text each takes.
    static let textFields: [String: Int] = ["complainant.address": 1_000, "summary": 20_000]

    /// The id of the input for a field name (`complainant.firstName` → `complainant-firstName`).
    package static func fieldID(_ name: String) -> String { name.replacingOccurrences(of: ".", with: "-") }

    /// Problems the form itself finds before the case rules see it: control characters and over-long text.
    package func problems() -> [FieldMessage] {
        var problems: [FieldMessage] = []
        for (name, limit) in Self.lineFields.merging(Self.textFields, uniquingKeysWith: { $1 }).sorted(by: {
            $0.key < $1.key
        }) {
            guard let value = values[name] else { continue }
            let multiline = Self.textFields[name] != nil
            if value.count > limit {
                problems.append(
                    .init(
                        fieldID: Self.fieldID(name), message: "\(Self.label(name)) must be \(limit) characters or fewer"
                    ))
            } else if value.unicodeScalars.contains(where: { Self.isForbidden($0, multiline: multiline) }) {
                problems.append(
                    .init(
                        fieldID: Self.fieldID(name),
                        message: "\(Self.label(name)) must not contain control characters"
                            + (multiline ? "" : " or line breaks")))
            }
        }
        return problems
    }

    static func isForbidden(_ scalar: Unicode.Scalar, multiline: Bool) -> Bool {
        if multiline, scalar == "\n" || scalar == "\r" || scalar == "\t" { return false }
        return scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}"
            || scalar == "\u{2029}"
    }

    /// The case JSON the form stands for: blank fields left out, the address split into lines.
    package func json() -> Data {
        func value(_ name: String) -> String? {
            guard let raw = values[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !raw.isEmpty else {
                return nil
            }
            return raw
        }
        var object: [String: Any] = [:]
        for key in ["received", "channel", "kind", "summary", "service", "officer", "complexity"] {
            if let text = value(key) { object[key] = text }
        }
        var complainant: [String: Any] = [:]
        for key in ["title", "firstName", "lastName", "postcode", "email", "phone", "preferredContact", "language"] {
            if let text = value("complainant.\(key)") { complainant[key] = text }
        }
        if let address = value("complainant.address") {
            complainant["address"] = address.split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        object["complainant"] = complainant
        var patient: [String: Any] = [:]
        for key in ["title", "firstName", "lastName"] {
            if let text = value("patient.\(key)") { patient[key] = text }
        }
        if !patient.isEmpty {
            object["patient"] = patient
            if let consent = value("consent") { object["consent"] = consent }
        }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    }

    /// The case rules' problems, each placed on its field (a problem about the whole complainant or patient goes
    /// on its first name).
    package static func messages(for error: CaseFormError) -> [FieldMessage] {
        error.problems.map { problem in
            var name = problem.field
            if name == "complainant" || name == "patient" { name += ".firstName" }
            let known = lineFields[name] != nil || textFields[name] != nil
            return FieldMessage(
                fieldID: known ? fieldID(name) : "received", message: "\(label(name)) \(problem.message)")
        }
    }

    /// The words a field's messages start with.
    static func label(_ name: String) -> String {
        switch name {
        case "received": "The date received"
        case "channel": "How it came in"
        case "kind": "What it is"
        case "summary": "The summary"
        case "service": "The service"
        case "officer": "The officer"
        case "complexity": "The complexity"
        case "consent": "Consent"
        case "complainant.title": "The complainant's title"
        case "complainant.firstName": "The complainant's first name"
        case "complainant.lastName": "The complainant's last name"
        case "complainant.address": "The complainant's address"
        case "complainant.postcode": "The postcode"
        case "complainant.email": "The email address"
        case "complainant.phone": "The phone number"
        case "complainant.preferredContact": "How to reply"
        case "complainant.language": "The language"
        case "patient.title": "The patient's title"
        case "patient.firstName": "The patient's first name"
        case "patient.lastName": "The patient's last name"
        default: name
        }
    }
}
