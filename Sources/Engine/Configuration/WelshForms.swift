package import Casework
package import Letters

/// A configured text that appears in letters, with its Welsh form: Welsh letters print the Welsh form.
///
/// The scheme is one suffix: the Welsh form of a key is the key with `Cy` after it, beside it in `pals.yaml`
/// (`organisation.nameCy`, `organisation.addressCy`, `manager.roleCy`, `signatory.roleCy`, `officers[].roleCy`,
/// `advocacy.nameCy`, `ombudsman.<id>.nameCy`, `shortNameCy`, `addressCy`). People's names, telephone numbers,
/// email and web addresses are the same in both languages and have none. The built-in roles and the Public
/// Services Ombudsman for Wales have built-in Welsh forms.
package struct WelshForm: Sendable, Equatable {
    /// The merge field it fills, e.g. `organisation.name`.
    package let field: String
    /// The `pals.yaml` key of the Welsh form, e.g. `organisation.nameCy` or `officers[1].roleCy (sam)`.
    package let key: String
    /// The Welsh form, or nil when the organisation has not given one.
    package let welsh: MergeValue?

    /// Whether the Welsh form is missing.
    package var isMissing: Bool { welsh == nil }
}

extension WorkspaceConfiguration {
    /// The Welsh form of each built-in role.
    static let builtInWelshRoles: [String: String] = [
        "Complaints Manager": "Rheolwr Cwynion", "Chief Executive": "Prif Weithredwr",
        "Complaints Officer": "Swyddog Cwynion",
    ]

    /// The Welsh form of a role: the configured one, else the built-in one for a built-in role.
    static func welshRole(_ role: String, configured: String?) -> String? {
        configured ?? builtInWelshRoles[role]
    }

    /// The Welsh forms of every configured text the letters of a case print, for the case's officer (nil: none)
    /// and profile. `finalResponse`: the letter is signed by the signatory rather than the officer or manager.
    /// Texts whose English is empty are left out: the strict merge names those.
    package func welshForms(officer: Officer?, profile: ProfileID, finalResponse: Bool = false) -> [WelshForm] {
        var forms: [WelshForm] = []
        func add(_ field: String, _ key: String, english: String, welsh: String?) {
            guard !english.allSatisfy(\.isWhitespace) else { return }
            let form = welsh.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 }
            forms.append(WelshForm(field: field, key: key, welsh: form.map { .string($0) }))
        }
        func add(_ field: String, _ key: String, english: [String], welsh: [String]?) {
            guard !english.isEmpty else { return }
            let form = welsh.flatMap { $0.isEmpty ? nil : $0 }
            forms.append(WelshForm(field: field, key: key, welsh: form.map { .list($0.map { .string($0) }) }))
        }
        add("organisation.name", "organisation.nameCy", english: organisation.name, welsh: organisation.nameCy)
        add(
            "organisation.addressLines", "organisation.addressCy", english: organisation.addressLines,
            welsh: organisation.addressLinesCy)
        add(
            "manager.role", "manager.roleCy", english: manager.role,
            welsh: Self.welshRole(manager.role, configured: manager.roleCy))
        add(
            "signatory.role", "signatory.roleCy", english: signatory.role,
            welsh: Self.welshRole(signatory.role, configured: signatory.roleCy))
        if finalResponse {
            add(
                "signer.role", "signatory.roleCy", english: signatory.role,
                welsh: Self.welshRole(signatory.role, configured: signatory.roleCy))
        } else if letters.signedBy == .officer, let officer {
            let index = officers.firstIndex(of: officer) ?? 0
            let role = officer.role ?? "Complaints Officer"
            add(
                "signer.role", "officers[\(index)].roleCy (\(officer.id))", english: role,
                welsh: Self.welshRole(role, configured: officer.roleCy))
        } else {
            add(
                "signer.role", "manager.roleCy", english: manager.role,
                welsh: Self.welshRole(manager.role, configured: manager.roleCy))
        }
        add("advocacy.name", "advocacy.nameCy", english: advocacy.name, welsh: advocacy.nameCy)
        let id = OmbudsmanID(profile: profile)
        let ombudsman = ombudsmen[id] ?? .init()
        add("ombudsman.name", "ombudsman.\(id.rawValue).nameCy", english: ombudsman.name, welsh: ombudsman.nameCy)
        add("ombudsman.theName", "ombudsman.\(id.rawValue).nameCy", english: ombudsman.name, welsh: ombudsman.nameCy)
        add(
            "ombudsman.shortName", "ombudsman.\(id.rawValue).shortNameCy", english: ombudsman.shortName,
            welsh: ombudsman.shortNameCy)
        add(
            "ombudsman.addressLines", "ombudsman.\(id.rawValue).addressCy", english: ombudsman.addressLines,
            welsh: ombudsman.addressLinesCy)
        return forms
    }
}

extension WelshForm {
    /// Puts every Welsh form that is given into `context`; a missing one leaves the English in place (see
    /// ``LetterDesk/missingWelshForms(printed:forms:)`` for when that is allowed).
    static func apply(_ forms: [WelshForm], to context: inout MergeContext) {
        for form in forms {
            guard let welsh = form.welsh else { continue }
            context[form.field] = welsh
        }
    }
}

extension LetterDesk {
    /// The Welsh forms a Welsh letter prints but the organisation has not given, one per `pals.yaml` key. Empty
    /// when `letters.welshFallbackToEnglish` lets the English stand in.
    package static func missingWelshForms(
        _ configuration: WorkspaceConfiguration, printed: Set<String>, forms: [WelshForm]
    ) -> [WelshForm] {
        guard !configuration.letters.welshFallbackToEnglish else { return [] }
        var seen = Set<String>()
        return forms.filter { $0.isMissing && printed.contains($0.field) && seen.insert($0.key).inserted }
    }

    /// Refuses a Welsh letter that would print the English form of a configured text, naming every missing Welsh
    /// form, unless the organisation lets the English stand in (`letters.welshFallbackToEnglish`).
    func refuseMissingWelshForms(kind: LetterKind, record: Case) throws {
        let configuration = workspace.configuration
        let forms = configuration.welshForms(
            officer: configuration.officer(record.officer), profile: record.profile,
            finalResponse: kind.purpose == .finalResponse)
        var printed = Set(library.printedFields(kind: kind, language: .welsh).map(\.path))
        if Self.enclosesConsentForm(kind, for: record) {
            printed.formUnion(library.printedFields(kind: .consentForm, language: .welsh).map(\.path))
        }
        // An address is printed line by line inside a section, so it counts as printed with the name it goes with.
        if printed.contains("organisation.name") { printed.insert("organisation.addressLines") }
        if printed.contains("ombudsman.phone") { printed.insert("ombudsman.addressLines") }
        let missing = Self.missingWelshForms(configuration, printed: printed, forms: forms)
        guard !missing.isEmpty else { return }
        let keys = missing.map(\.key).joined(separator: ", ")
        throw LetterDeskError(
            message:
                "case \(record.reference): the \(kind.rawValue) letter is written in Welsh but the configuration has "
                + "no Welsh form of \(keys); add \(missing.count == 1 ? "it" : "them") to the configuration, or let "
                + "the English stand in (letters.welshFallbackToEnglish: true); nothing is sent until then")
    }
}
