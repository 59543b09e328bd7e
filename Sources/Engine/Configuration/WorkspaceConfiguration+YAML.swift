internal import Casework
package import Foundation
internal import Mail
internal import Primitives
internal import WorkingDays
internal import Yams

extension WorkspaceConfiguration {
    /// Environment variables that override the file: `PALS_SMTP_URL` (switches the transport to SMTP),
    /// `PALS_SMTP_USER`, `PALS_SMTP_PASSWORD_FILE`, `PALS_SMTP_CA_FILE` and `PALS_MAIL_TRANSPORT`.
    package static let environmentOverrides = [
        "PALS_SMTP_URL", "PALS_SMTP_USER", "PALS_SMTP_PASSWORD_FILE", "PALS_SMTP_CA_FILE", "PALS_MAIL_TRANSPORT",
        "PALS_IMAP_URL",
    ]

    /// Reads a configuration file, then applies the environment overrides; throws every problem at once.
    package static func load(
        from url: URL, environment: [String: String]
    ) throws(ConfigurationError) -> WorkspaceConfiguration {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ConfigurationError(
                file: url.path,
                problems: [.init(key: "(file)", line: nil, message: "cannot be read: \(error.localizedDescription)")])
        }
        return try parse(yaml: text, file: url.path, environment: environment)
    }

    /// Parses configuration text; `file` names it in errors.
    package static func parse(
        yaml: String, file: String, environment: [String: String]
    ) throws(ConfigurationError) -> WorkspaceConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigurationError(
                file: file, problems: [.init(key: "(file)", line: nil, message: "is not valid YAML: \(error)")])
        }
        let reader = ConfigurationReader()
        var configuration = WorkspaceConfiguration()
        if let top = reader.section(root ?? Node.mapping(.init([])), key: "", allowed: Keys.top) {
            configuration.read(top)
        }
        configuration.applyEnvironment(environment, reader: reader)
        configuration.applyMailboxEnvironment(environment, reader: reader)
        configuration.checkConsistency(reader: reader)
        configuration.checkMailbox(reader: reader)
        if !reader.problems.isEmpty { throw ConfigurationError(file: file, problems: reader.problems) }
        return configuration
    }

    private enum Keys {
        static let top: Set<String> = [
            "organisation", "manager", "signatory", "officers", "jurisdiction", "casework", "deadlines",
            "closures", "advocacy", "ombudsman", "mail", "reminders", "concerns", "statements", "letters", "intake",
            "wales", "coding",
            "http",
        ]
        static let organisation: Set<String> = [
            "name", "nameCy", "address", "phone", "email", "web", "addressCy", "type",
        ]
        static let person: Set<String> = ["name", "role", "email", "roleCy"]
        static let officer: Set<String> = ["id", "name", "email", "phone", "role", "roleCy", "team"]
        static let contact: Set<String> = [
            "name", "shortName", "nameCy", "shortNameCy", "address", "phone", "email", "web", "addressCy",
        ]
        static let deadlines: Set<String> = [
            "amberWorkingDays", "targets", "defaultComplexity", "profiles", "ruleSets", "keepInformedWorkingDays",
            "stage2RequestMonths",
        ]
        static let overrides: Set<String> = [
            "acknowledgeWorkingDays", "responseWorkingDays", "stage1WorkingDays", "stage1ExtendedWorkingDays",
            "backstopMonths", "outOfTimeMonths",
        ]
        static let mail: Set<String> = ["transport", "from", "replyTo", "smtp", "retry", "autoMailPerRecipientPerHour"]
        static let from: Set<String> = ["name", "address"]
        static let smtp: Set<String> = [
            "url", "username", "passwordFile", "passwordEnv", "caFile", "lanes", "connectTimeout", "commandTimeout",
            "finalReplyTimeout",
        ]
        static let retry: Set<String> = ["firstDelay", "maxDelay", "giveUpAfter"]
    }

    private mutating func read(_ top: ConfigurationReader.Section) {
        if let section = top.section("organisation", allowed: Keys.organisation) {
            organisation.name = section.requiredString("name") ?? ""
            organisationType = section.choice("type") ?? organisationType
            organisation.nameCy = section.string("nameCy")
            organisation.addressLines = section.strings("address") ?? []
            organisation.phone = section.string("phone") ?? ""
            organisation.email = section.string("email") ?? ""
            organisation.web = section.string("web") ?? ""
            organisation.addressLinesCy = section.strings("addressCy")
        } else {
            top.problem("organisation", "is missing (the name and address that head every letter)")
        }
        for (key, keyPath) in [("manager", \WorkspaceConfiguration.manager), ("signatory", \.signatory)] {
            if let section = top.section(key, allowed: Keys.person) {
                self[keyPath: keyPath].name = section.requiredString("name") ?? ""
                self[keyPath: keyPath].role = section.string("role") ?? self[keyPath: keyPath].role
                self[keyPath: keyPath].email = section.string("email")
                self[keyPath: keyPath].roleCy = section.string("roleCy")
            } else {
                top.problem(key, "is missing")
            }
        }
        readOfficers(top)
        if let section = top.section(
            "jurisdiction", allowed: ["profile", "northernIrelandModelProcedureFrom", "walesListeningToPeopleFrom"])
        {
            readWalesStart(section)
            profile = section.choice("profile") ?? profile
            if let text = section.string("northernIrelandModelProcedureFrom") {
                if text == "never" {
                    jurisdiction.northernIrelandModelProcedureFrom = nil
                } else if let day = CivilDate(iso: text) {
                    jurisdiction.northernIrelandModelProcedureFrom = day
                } else {
                    section.problem(
                        "northernIrelandModelProcedureFrom", "'\(text)' is not a date such as 2026-01-01 or never")
                }
            }
        }
        if let section = top.section("casework", allowed: ["referencePattern"]),
            let text = section.string("referencePattern")
        {
            do { referencePattern = try ReferencePattern(text) } catch {
                section.problem("referencePattern", error.reason)
            }
        }
        readDeadlines(top)
        for (index, text) in (top.strings("closures") ?? []).enumerated() {
            if let day = CivilDate(iso: text) {
                closures.append(day)
            } else {
                top.reader.problem(
                    "closures[\(index)]", "'\(text)' is not a date in the form YYYY-MM-DD", at: top.node("closures"))
            }
        }
        if let section = top.section("advocacy", allowed: Keys.contact) {
            advocacy = Self.contact(section, base: advocacy)
        }
        if let section = top.section("ombudsman", allowed: Set(OmbudsmanID.allCases.map(\.rawValue))) {
            for id in OmbudsmanID.allCases {
                if let inner = section.section(id.rawValue, allowed: Keys.contact) {
                    ombudsmen[id] = Self.contact(inner, base: ombudsmen[id] ?? Contact())
                }
            }
        }
        readMail(top)
        readKinds(top)
        readCoding(top)
        readIntake(top)
        readWales(top)
        readHTTP(top)
        if let section = top.section("reminders", allowed: ["time"]), let time = section.string("time") {
            let parts = time.split(separator: ":").compactMap { Int($0) }
            if parts.count == 2, (0...23).contains(parts[0]), (0...59).contains(parts[1]) {
                reminders.hour = parts[0]
                reminders.minute = parts[1]
            } else {
                section.problem("time", "'\(time)' is not a time of day such as 08:30")
            }
        }
    }

    /// `deadlines.ruleSets.<profile>`: a list of `{effectiveFrom, name?, <profile override keys>}`.
    private mutating func readRuleSets(_ section: ConfigurationReader.Section) {
        let profileKeys = Set(ProfileID.allCases.map(\.rawValue))
        guard let profiles = section.section("ruleSets", allowed: profileKeys) else { return }
        for id in ProfileID.allCases {
            guard let list = profiles.list(id.rawValue) else { continue }
            var dated: [DatedProfileOverrides] = []
            for (index, node) in list.enumerated() {
                let key = "deadlines.ruleSets.\(id.rawValue)[\(index)]"
                guard
                    let inner = profiles.reader.section(
                        node, key: key, allowed: Keys.overrides.union(["effectiveFrom", "name"]))
                else { continue }
                guard let text = inner.requiredString("effectiveFrom") else { continue }
                guard let day = CivilDate(iso: text) else {
                    inner.problem("effectiveFrom", "'\(text)' is not a date such as 2026-04-01")
                    continue
                }
                if dated.contains(where: { $0.effectiveFrom == day }) {
                    inner.problem("effectiveFrom", "\(text) is given twice for \(id.rawValue)")
                    continue
                }
                dated.append(
                    DatedProfileOverrides(
                        effectiveFrom: day, name: inner.string("name"),
                        overrides: Self.profileOverrides(inner)))
            }
            deadlines.datedProfiles[id] = dated
        }
    }

    private mutating func readOfficers(_ top: ConfigurationReader.Section) {
        guard let list = top.list("officers") else {
            top.problem("officers", "is missing (at least one officer: id, name, email)")
            return
        }
        for (index, node) in list.enumerated() {
            guard let section = top.reader.section(node, key: "officers[\(index)]", allowed: Keys.officer) else {
                continue
            }
            let id = section.requiredString("id")
            let name = section.requiredString("name")
            let email = section.requiredString("email")
            if let email, !EmailAddress.isValid(email) {
                section.problem("email", "'\(email)' is not a valid email address")
            }
            if let id, officers.contains(where: { $0.id == id }) {
                section.problem("id", "'\(id)' is used by two officers")
            }
            if let id, let name, let email {
                officers.append(
                    Officer(
                        id: id, name: name, email: email, phone: section.string("phone"), role: section.string("role"),
                        roleCy: section.string("roleCy"), team: section.string("team")))
            }
        }
        if list.isEmpty { top.problem("officers", "is empty (at least one officer: id, name, email)") }
    }

    private mutating func readDeadlines(_ top: ConfigurationReader.Section) {
        guard let section = top.section("deadlines", allowed: Keys.deadlines) else { return }
        deadlines.amberWorkingDays = section.integer("amberWorkingDays", in: 0...60) ?? deadlines.amberWorkingDays
        deadlines.keepInformedWorkingDays =
            section.integer("keepInformedWorkingDays", in: 0...200) ?? deadlines.keepInformedWorkingDays
        deadlines.stage2RequestMonths =
            section.integer("stage2RequestMonths", in: 1...24) ?? deadlines.stage2RequestMonths
        readRuleSets(section)
        if let targets = section.node("targets") {
            if let mapping = targets.mapping {
                var parsed: [String: Int] = [:]
                for (key, value) in mapping {
                    guard let name = key.string, let days = value.int, (1...400).contains(days) else {
                        section.problem("targets", "each target must be a name and a number of working days (1–400)")
                        continue
                    }
                    parsed[name] = days
                }
                deadlines.targets = parsed
            } else {
                section.problem("targets", "must map complexity names to working days, e.g. standard: 25")
            }
        }
        deadlines.defaultComplexity = section.string("defaultComplexity") ?? deadlines.defaultComplexity
        if deadlines.targets[deadlines.defaultComplexity] == nil {
            section.problem("defaultComplexity", "'\(deadlines.defaultComplexity)' is not one of the targets")
        }
        let profileKeys = Set(ProfileID.allCases.map(\.rawValue))
        guard let profiles = section.section("profiles", allowed: profileKeys) else { return }
        for id in ProfileID.allCases {
            guard let inner = profiles.section(id.rawValue, allowed: Keys.overrides) else { continue }
            deadlines.profiles[id] = Self.profileOverrides(inner)
        }
    }

    /// A profile's numbers as `deadlines.profiles.<profile>` or one of `deadlines.ruleSets.<profile>` gives them.
    private static func profileOverrides(_ inner: ConfigurationReader.Section) -> ProfileOverrides {
        ProfileOverrides(
            acknowledgeWorkingDays: inner.integer("acknowledgeWorkingDays", in: 1...60),
            responseWorkingDays: inner.integer("responseWorkingDays", in: 1...400),
            stage1WorkingDays: inner.integer("stage1WorkingDays", in: 1...60),
            stage1ExtendedWorkingDays: inner.integer("stage1ExtendedWorkingDays", in: 1...60),
            backstopMonths: inner.integer("backstopMonths", in: 1...24),
            outOfTimeMonths: inner.integer("outOfTimeMonths", in: 1...120))
    }

    private mutating func readMail(_ top: ConfigurationReader.Section) {
        guard let section = top.section("mail", allowed: Keys.mail) else {
            top.problem("mail", "is missing (at least mail.from.address)")
            return
        }
        mail.transport = section.choice("transport") ?? mail.transport
        if let from = section.section("from", allowed: Keys.from) {
            mail.fromName = from.string("name") ?? ""
            mail.fromAddress = from.requiredString("address") ?? ""
            if !mail.fromAddress.isEmpty, !EmailAddress.isValid(mail.fromAddress) {
                from.problem("address", "'\(mail.fromAddress)' is not a valid email address")
            }
        } else {
            section.problem("from", "is missing (the team address mail is sent from)")
        }
        mail.replyTo = section.string("replyTo")
        if let replyTo = mail.replyTo, !EmailAddress.isValid(replyTo) {
            section.problem("replyTo", "'\(replyTo)' is not a valid email address")
        }
        mail.autoMailPerRecipientPerHour =
            section.integer("autoMailPerRecipientPerHour", in: 1...1000) ?? mail.autoMailPerRecipientPerHour
        if let smtp = section.section("smtp", allowed: Keys.smtp) {
            mail.smtp.url = smtp.string("url") ?? ""
            mail.smtp.username = smtp.string("username")
            mail.smtp.passwordFile = smtp.string("passwordFile")
            mail.smtp.passwordEnv = smtp.string("passwordEnv") ?? mail.smtp.passwordEnv
            mail.smtp.caFile = smtp.string("caFile")
            mail.smtp.lanes = smtp.integer("lanes", in: 1...16) ?? mail.smtp.lanes
            mail.smtp.connectTimeout = smtp.integer("connectTimeout", in: 1...600) ?? mail.smtp.connectTimeout
            mail.smtp.commandTimeout = smtp.integer("commandTimeout", in: 1...3600) ?? mail.smtp.commandTimeout
            mail.smtp.finalReplyTimeout = smtp.integer("finalReplyTimeout", in: 1...3600) ?? mail.smtp.finalReplyTimeout
        }
        if let retry = section.section("retry", allowed: Keys.retry) {
            mail.retry.firstDelay = retry.integer("firstDelay", in: 1...86_400) ?? mail.retry.firstDelay
            mail.retry.maxDelay = retry.integer("maxDelay", in: 1...86_400) ?? mail.retry.maxDelay
            mail.retry.giveUpAfter = retry.integer("giveUpAfter", in: 60...3_000_000) ?? mail.retry.giveUpAfter
        }
    }

    private static func contact(_ section: ConfigurationReader.Section, base: Contact) -> Contact {
        var contact = base
        contact.name = section.string("name") ?? base.name
        contact.shortName = section.string("shortName") ?? base.shortName
        contact.nameCy = section.string("nameCy") ?? base.nameCy
        contact.shortNameCy = section.string("shortNameCy") ?? base.shortNameCy
        contact.addressLines = section.strings("address") ?? base.addressLines
        contact.phone = section.string("phone") ?? base.phone
        contact.email = section.string("email") ?? base.email
        contact.web = section.string("web") ?? base.web
        // A new address without its Welsh form leaves none, rather than the Welsh of the address it replaced.
        contact.addressLinesCy =
            section.strings("addressCy") ?? (section.strings("address") == nil ? base.addressLinesCy : nil)
        return contact
    }

    private mutating func applyEnvironment(_ environment: [String: String], reader: ConfigurationReader) {
        if let raw = environment["PALS_MAIL_TRANSPORT"], !raw.isEmpty {
            if let transport = MailSettings.Transport(rawValue: raw) {
                mail.transport = transport
            } else {
                reader.problem("PALS_MAIL_TRANSPORT (environment)", "'\(raw)' is not one of: file, smtp")
            }
        }
        if let url = environment["PALS_SMTP_URL"], !url.isEmpty {
            mail.transport = .smtp
            mail.smtp.url = url
        }
        if let user = environment["PALS_SMTP_USER"], !user.isEmpty { mail.smtp.username = user }
        if let file = environment["PALS_SMTP_PASSWORD_FILE"], !file.isEmpty { mail.smtp.passwordFile = file }
        if let file = environment["PALS_SMTP_CA_FILE"], !file.isEmpty { mail.smtp.caFile = file }
    }

    private func checkConsistency(reader: ConfigurationReader) {
        if mail.transport == .smtp {
            if mail.smtp.url.isEmpty {
                reader.problem("mail.smtp.url", "is missing but mail.transport is smtp")
            } else if let url = URL(string: mail.smtp.url), ["smtp", "smtps"].contains(url.scheme ?? ""),
                url.host != nil
            {
                // Whether TLS is required is decided by the mail layer when it connects.
            } else {
                reader.problem("mail.smtp.url", "'\(mail.smtp.url)' must look like smtp://host:587 or smtps://host:465")
            }
        }
        if mail.retry.maxDelay < mail.retry.firstDelay {
            reader.problem("mail.retry.maxDelay", "is shorter than mail.retry.firstDelay")
        }
    }
}
