package import Casework
import Foundation
package import Primitives
package import WorkingDays
internal import Yams

/// The settings of a workspace, read from its `pals.yaml`; every field has the safe default.
package struct WorkspaceConfiguration: Sendable {
    /// `organisation`: who writes the letters.
    package var organisation = Organisation()
    /// `manager`: the complaints manager, who receives escalations.
    package var manager = Person(name: "", role: "Complaints Manager", email: nil)
    /// `signatory`: who signs response letters.
    package var signatory = Person(name: "", role: "Chief Executive", email: nil)
    /// `officers`: the complaints officers who handle cases.
    package var officers: [Officer] = []
    /// `jurisdiction.profile`: the deadline profile of new cases (default `england`).
    package var profile: ProfileID = .england
    /// `casework.referencePattern`: how references are spelt (default `PALS-{YYYY}-{NNNN}`).
    package var referencePattern: ReferencePattern = .standard
    /// `deadlines`: changes to the statutory defaults.
    package var deadlines = DeadlineSettings()
    /// `closures`: local closure days that are not working days.
    package var closures: [CivilDate] = []
    /// `advocacy`: the independent advocacy provider named in acknowledgements.
    package var advocacy = Contact()
    /// `ombudsman`: contact details of the ombudsman of each jurisdiction (defaults built in).
    package var ombudsmen: [OmbudsmanID: Contact] = OmbudsmanID.defaults
    /// `mail`: how mail leaves.
    package var mail = MailSettings()
    /// `reminders`: when the daemon sends the officers' reminders.
    package var reminders = ReminderSettings()
    /// `jurisdiction`: the law's dates that pick the rules of a case (besides `jurisdiction.profile`).
    package var jurisdiction = JurisdictionSettings()
    /// `wales`: the numbers and contacts of Wales's Listening to People rules (see ``WalesSettings``).
    package var wales = WalesSettings()

    /// The law's dates that pick the rules of a case.
    package struct JurisdictionSettings: Sendable, Equatable {
        /// `jurisdiction.northernIrelandModelProcedureFrom`: complaints received in Northern Ireland from this day
        /// are handled under NIPSO's model complaints handling procedure (`northern-ireland-mchp`); `never` for
        /// none (default 2026-01-01, see ``ProfileSuccession/northernIrelandModelProcedureDefault``).
        package var northernIrelandModelProcedureFrom: CivilDate? =
            ProfileSuccession.northernIrelandModelProcedureDefault
        /// `jurisdiction.walesListeningToPeopleFrom`: Welsh concerns received from this day are handled under the
        /// 2025 amendment ("Listening to People"); `never` keeps the 2011 rules (default 2026-04-01, see
        /// ``WalesListeningToPeople/defaultStart``).
        package var walesListeningToPeopleFrom: CivilDate? = WalesListeningToPeople.defaultStart
    }

    /// A profile's numbers for complaints received from a date (`deadlines.ruleSets.<profile>[]`).
    package struct DatedProfileOverrides: Sendable, Equatable {
        /// `effectiveFrom`: the first day of receipt they apply to.
        package var effectiveFrom: CivilDate
        /// `name`: the rule set's name shown with each deadline (default: the shipped rule set's and the date).
        package var name: String?
        /// The numbers (the keys of `deadlines.profiles.<profile>`).
        package var overrides: ProfileOverrides
    }

    /// `concerns`: how PALS concerns are handled.
    package var concerns = ConcernSettings()
    /// `statements`: when statement requests to other departments fall due and are chased.
    package var statements = StatementSettings()
    /// `letters`: who signs letters.
    package var letters = LetterSettings()
    /// `intake.mailbox`: the team mailbox read over IMAP; nil when mail is not read from a mailbox.
    package var mailbox: MailboxSettings?
    /// `organisation.type`: the kind of body (`trust`, `gp-practice`, `dental-practice`), which picks its return.
    package var organisationType: OrganisationType = .trust
    /// `coding`: the subjects, service areas and professions cases are coded with (the KO41a lists by default).
    package var coding = CodingCategories()
    /// `http`: the web server; nil when the file has no `http` section (`pals serve` then uses the defaults).
    package var http: HTTPSettings?

    package init() {}

    /// The organisation writing the letters.
    package struct Organisation: Sendable, Equatable {
        package var name = ""
        /// `organisation.nameCy`: the Welsh name, used in Welsh letters.
        package var nameCy: String?
        package var addressLines: [String] = []
        package var phone = ""
        package var email = ""
        package var web = ""
        /// `organisation.addressCy`: the address lines in Welsh, used in Welsh letters.
        package var addressLinesCy: [String]? = nil
    }

    /// A named person with a role.
    package struct Person: Sendable, Equatable {
        package var name: String
        package var role: String
        package var email: String?
        /// `roleCy`: the role in Welsh, used in Welsh letters (built in for the default roles).
        package var roleCy: String? = nil
    }

    /// A complaints officer.
    package struct Officer: Sendable, Equatable {
        /// The short id cases refer to.
        package var id: String
        package var name: String
        package var email: String
        package var phone: String?
        /// `officers[].role`: the role under the officer's signature (default "Complaints Officer").
        package var role: String? = nil
        /// `officers[].roleCy`: the role in Welsh, used in Welsh letters (built in for the default role).
        package var roleCy: String? = nil
        /// `officers[].team`: the team the officer works in; in the web app an officer sees their team's cases.
        package var team: String? = nil
    }

    /// Contact details of an organisation named in letters.
    package struct Contact: Sendable, Equatable {
        package var name = ""
        package var shortName = ""
        /// The Welsh name and short name, used in Welsh letters when given.
        package var nameCy: String?
        package var shortNameCy: String?
        package var addressLines: [String] = []
        package var phone = ""
        package var email = ""
        package var web = ""
        /// `addressCy`: the address lines in Welsh, used in Welsh letters.
        package var addressLinesCy: [String]? = nil
    }

    /// Changes to the statutory deadline defaults.
    package struct DeadlineSettings: Sendable, Equatable {
        /// `deadlines.amberWorkingDays`: a deadline this close (in working days) is amber (default 5).
        package var amberWorkingDays = 5
        /// `deadlines.targets`: England's local response targets by complexity, in working days.
        package var targets: [String: Int] = ["standard": 25, "complex": 40, "very-complex": 60]
        /// `deadlines.defaultComplexity`: the complexity of a case that names none (default `standard`).
        package var defaultComplexity = "standard"
        /// `deadlines.profiles.<profile>`: per-profile changes to the numbers of days.
        package var profiles: [ProfileID: ProfileOverrides] = [:]
        /// `deadlines.ruleSets.<profile>`: a list of rule sets, each with `effectiveFrom` and the numbers that
        /// change from that day of receipt; earlier complaints keep the rules they were received under.
        package var datedProfiles: [ProfileID: [DatedProfileOverrides]] = [:]
        /// `deadlines.keepInformedWorkingDays`: remind the officer when the complainant has had no letter for this
        /// many working days (default 20; 0 turns the reminder off).
        package var keepInformedWorkingDays = 20
        /// `deadlines.stage2RequestMonths`: how long after a stage-1 response the complainant may ask for stage 2,
        /// in calendar months (default 2, as the Scottish and Northern Irish model procedures say).
        package var stage2RequestMonths = 2
    }

    /// Numbers of days that override a profile's defaults; `nil` keeps the default.
    package struct ProfileOverrides: Sendable, Equatable {
        package var acknowledgeWorkingDays: Int?
        package var responseWorkingDays: Int?
        package var stage1WorkingDays: Int?
        package var stage1ExtendedWorkingDays: Int?
        package var backstopMonths: Int?
        /// `deadlines.profiles.<profile>.outOfTimeMonths`: the time limit for making a complaint, in months.
        package var outOfTimeMonths: Int? = nil
    }

    /// When the deadline watcher sends reminders.
    package struct ReminderSettings: Sendable, Equatable {
        /// `reminders.time`: the time of day (Europe/London) on working days, `HH:MM` (default 08:30).
        package var hour = 8
        package var minute = 30
    }

    /// The officer with this id.
    package func officer(_ id: String) -> Officer? { officers.first { $0.id == id } }
}

/// The ombudsman of each jurisdiction.
package enum OmbudsmanID: String, Sendable, CaseIterable {
    case phso, psow, spso, nipso

    /// The ombudsman a profile's complainants may go to.
    package init(profile: ProfileID) {
        switch profile {
        case .england: self = .phso
        case .wales: self = .psow
        case .scotland: self = .spso
        case .northernIreland, .northernIrelandMCHP: self = .nipso
        }
    }

    /// Public contact details as published by each ombudsman; check them before go-live.
    static let defaults: [OmbudsmanID: WorkspaceConfiguration.Contact] = [
        .phso: .init(
            name: "Parliamentary and Health Service Ombudsman", shortName: "PHSO",
            addressLines: ["Citygate", "Mosley Street", "Manchester", "M2 3HQ"], phone: "0345 015 4033",
            email: "", web: "www.ombudsman.org.uk"),
        .psow: .init(
            name: "Public Services Ombudsman for Wales", shortName: "PSOW",
            nameCy: "Ombwdsmon Gwasanaethau Cyhoeddus Cymru", shortNameCy: "OGCC",
            addressLines: ["1 Ffordd yr Hen Gae", "Pencoed", "CF35 5LJ"], phone: "0300 790 0203",
            email: "ask@ombudsman.wales", web: "www.ombudsman.wales",
            addressLinesCy: ["1 Ffordd yr Hen Gae", "Pencoed", "CF35 5LJ"]),
        .spso: .init(
            name: "Scottish Public Services Ombudsman", shortName: "SPSO",
            addressLines: ["Bridgeside House", "99 McDonald Road", "Edinburgh", "EH7 4NS"],
            phone: "0800 377 7330", email: "", web: "www.spso.org.uk"),
        .nipso: .init(
            name: "Northern Ireland Public Services Ombudsman", shortName: "NIPSO",
            addressLines: ["Progressive House", "33 Wellington Place", "Belfast", "BT1 6HN"],
            phone: "0800 34 34 24", email: "nipso@nipso.org.uk", web: "www.nipso.org.uk"),
    ]
}

/// How mail leaves the workspace.
package struct MailSettings: Sendable, Equatable {
    /// `mail.transport`: `file` (the default: delivered into `Outbox/`, no server) or `smtp`.
    package var transport: Transport = .file
    /// `mail.from.name`: the display name of the team address.
    package var fromName = ""
    /// `mail.from.address`: the team address mail is sent from.
    package var fromAddress = ""
    /// `mail.replyTo`: where replies go, when not the team address.
    package var replyTo: String?
    /// `mail.smtp`: the SMTP server, when `transport` is `smtp`.
    package var smtp = SMTPSettings()
    /// `mail.retry`: how temporary failures are retried.
    package var retry = RetrySettings()
    /// `mail.autoMailPerRecipientPerHour`: the cap on automatic mail to one address (default 5).
    package var autoMailPerRecipientPerHour = 5

    /// The kinds of transport.
    package enum Transport: String, Sendable, CaseIterable {
        case file, smtp
    }

    /// Where and how to reach the SMTP server.
    package struct SMTPSettings: Sendable, Equatable {
        /// `mail.smtp.url`: `smtp://host:587` (STARTTLS required off loopback) or `smtps://host:465`.
        package var url = ""
        /// `mail.smtp.username`: the AUTH user, if the server needs one.
        package var username: String?
        /// `mail.smtp.passwordFile`: a file holding the password (preferred).
        package var passwordFile: String?
        /// `mail.smtp.passwordEnv`: the environment variable holding the password (default `PALS_SMTP_PASSWORD`).
        package var passwordEnv = "PALS_SMTP_PASSWORD"
        /// `mail.smtp.caFile`: a CA bundle to verify the server's certificate with.
        package var caFile: String?
        /// `mail.smtp.lanes`: connections used at once (default 2).
        package var lanes = 2
        /// `mail.smtp.connectTimeout`: seconds to connect (default 30).
        package var connectTimeout = 30
        /// `mail.smtp.commandTimeout`: seconds to wait for a reply to a command (default 300).
        package var commandTimeout = 300
        /// `mail.smtp.finalReplyTimeout`: seconds to wait for the reply after the final dot (default 600).
        package var finalReplyTimeout = 600
    }

    /// Postfix-like retry of temporary failures.
    package struct RetrySettings: Sendable, Equatable {
        /// `mail.retry.firstDelay`: seconds before the first retry (default 300).
        package var firstDelay = 300
        /// `mail.retry.maxDelay`: the longest wait between tries, in seconds (default 4000, about 67 minutes).
        package var maxDelay = 4000
        /// `mail.retry.giveUpAfter`: seconds after queueing when a message is failed (default 432000, 5 days).
        package var giveUpAfter = 432_000
    }
}
