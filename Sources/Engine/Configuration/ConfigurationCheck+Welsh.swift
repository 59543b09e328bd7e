import Casework
package import Letters

extension ConfigurationCheck {
    /// For a Welsh body (profile `wales`): every configured text the Welsh letters print that has no Welsh form,
    /// one finding per `pals.yaml` key. An error, since each such Welsh letter is refused, unless
    /// `letters.welshFallbackToEnglish` lets the English stand in (then a warning: the English is printed).
    func welshFindings(_ library: LetterLibrary) -> [ConfigurationFinding] {
        guard configuration.profile == .wales else { return [] }
        var printed = Set<String>()
        var printers: [String: Set<LetterKind>] = [:]
        for kind in library.kinds where library.languages(for: kind).contains(.welsh) {
            for field in library.printedFields(kind: kind, language: .welsh) {
                printed.insert(field.path)
                printers[field.path, default: []].insert(kind)
            }
        }
        // An address is printed line by line inside a section, with the name it goes with.
        if printed.contains("organisation.name") {
            printed.insert("organisation.addressLines")
            printers["organisation.addressLines"] = printers["organisation.name"]
        }
        if printed.contains("ombudsman.phone") {
            printed.insert("ombudsman.addressLines")
            printers["ombudsman.addressLines"] = printers["ombudsman.phone"]
        }
        let officers: [WorkspaceConfiguration.Officer?] = [nil] + configuration.officers.map { $0 }
        var findings: [ConfigurationFinding] = []
        var reported = Set<String>()
        for officer in officers {
            for finalResponse in [false, true] {
                let forms = configuration.welshForms(
                    officer: officer, profile: configuration.profile, finalResponse: finalResponse)
                for form in forms where form.isMissing && printed.contains(form.field) {
                    guard reported.insert(form.key).inserted else { continue }
                    let kinds = (printers[form.field] ?? []).sorted().map(\.rawValue).joined(separator: ", ")
                    if configuration.letters.welshFallbackToEnglish {
                        findings.append(
                            .init(
                                severity: .warning, key: form.key,
                                message:
                                    "is not set, so Welsh letters print the English \(form.field) instead "
                                    + "(letters.welshFallbackToEnglish); the \(kinds) letters print it"))
                    } else {
                        findings.append(
                            .init(
                                severity: .error, key: form.key,
                                message:
                                    "is missing: Welsh letters print \(form.field) in Welsh, so every Welsh or "
                                    + "bilingual \(kinds) letter would be refused until it is set (or "
                                    + "letters.welshFallbackToEnglish is true)"))
                    }
                }
            }
        }
        return findings
    }
}
