public import Casework
import Foundation
public import WorkingDays
public import Primitives
internal import Yams

/// The settings of a workspace, read from its `pals.yaml`; every field has the safe default.
public struct WorkspaceConfiguration: Sendable {
    /// `organisation`: who writes the letters.
    public var organisation = Organisation()
    /// `manager`: the complaints manager, who receives escalations.
    public var manager = Person(name: "", role: "Complaints Manager", email: nil)
    /// `signatory`: who signs response letters.
    public var signatory = Person(name: "", role: "Chief Executive", email: nil)
    /// `officers`: the complaints officers who handle cases.
    public var officers: [Officer] = []
    /// `jurisdiction.profile`: the deadline profile of new cases (default `england`).
    public var profile: ProfileID = .england
    /// `casework.referencePattern`: how references are spelt (default `PALS-{YYYY}-{NNNN}`).
    public var referencePattern: ReferencePattern = .standard
    /// `deadlines`: changes to the statutory defaults.
    public var deadlines = DeadlineSettings()
    /// `closures`: local closure days that are not working days.
    public var closures: [CivilDate] = []
    /// `advocacy`: the independent advocacy provider named in acknowledgements.
    public var advocacy = Contact()
    /// `ombudsman`: contact details of the ombudsman of each jurisdiction (defaults built in).
    public var ombudsmen: [OmbudsmanID: Contact] = OmbudsmanID.defaults
    /// `mail`: how mail leaves.
    public var mail = MailSettings()
    /// `reminders`: when the daemon sends the officers' reminders.
    public var reminders = ReminderSettings()

    public init() {}

    /// The organisation writing the letters.
    public struct Organisation: Sendable, Equatable {
        public var name = ""
        /// `organisation.nameCy`: the Welsh name, used in Welsh letters.
        public var nameCy: String?
        public var addressLines: [String] = []
        public var phone = ""
        public var email = ""
        public var web = ""
    }

    /// A named person with a role.
    public struct Person: Sendable, Equatable {
        public var name: String
        public var role: String
        public var email: String?
    }

    /// A complaints officer.
    public struct Officer: Sendable, Equatable {
        /// The short id cases refer to.
        public var id: String
        public var name: String
        public var email: String
        public var phone: String?
    }

    /// Contact details of an organisation named in letters.
    public struct Contact: Sendable, Equatable {
        public var name = ""
        public var shortName = ""
        /// The Welsh name and short name, used in Welsh letters when given.
        public var nameCy: String?
        public var shortNameCy: String?
        public var addressLines: [String] = []
        public var phone = ""
        public var email = ""
        public var web = ""
    }

    /// Changes to the statutory deadline defaults.
    public struct DeadlineSettings: Sendable, Equatable {
        /// `deadlines.amberWorkingDays`: a deadline this close (in working days) is amber (default 5).
        public var amberWorkingDays = 5
        /// `deadlines.targets`: England's local response targets by complexity, in working days.
        public var targets: [String: Int] = ["standard": 25, "complex": 40, "very-complex": 60]
        /// `deadlines.defaultComplexity`: the complexity of a case that names none (default `standard`).
        public var defaultComplexity = "standard"
        /// `deadlines.profiles.<profile>`: per-profile changes to the numbers of days.
        public var profiles: [ProfileID: ProfileOverrides] = [:]
    }

    /// Numbers of days that override a profile's defaults; `nil` keeps the default.
    public struct ProfileOverrides: Sendable, Equatable {
        public var acknowledgeWorkingDays: Int?
        public var responseWorkingDays: Int?
        public var stage1WorkingDays: Int?
        public var stage1ExtendedWorkingDays: Int?
        public var backstopMonths: Int?
    }

    /// When the deadline watcher sends reminders.
    public struct ReminderSettings: Sendable, Equatable {
        /// `reminders.time`: the time of day (Europe/London) on working days, `HH:MM` (default 08:30).
        public var hour = 8
        public var minute = 30
    }

    /// The officer with this id.
    public func officer(_ id: String) -> Officer? { officers.first { $0.id == id } }
}

/// The ombudsman of each jurisdiction.
public enum OmbudsmanID: String, Sendable, CaseIterable {
    case phso, psow, spso, nipso

    /// The ombudsman a profile's complainants may go to.
    public init(profile: ProfileID) {
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
            email: "ask@ombudsman.wales", web: "www.ombudsman.wales"),
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
public struct MailSettings: Sendable, Equatable {
    /// `mail.transport`: `file` (the default: delivered into `Outbox/`, no server) or `smtp`.
    public var transport: Transport = .file
    /// `mail.from.name`: the display name of the team address.
    public var fromName = ""
    /// `mail.from.address`: the team address mail is sent from.
    public var fromAddress = ""
    /// `mail.replyTo`: where replies go, when not the team address.
    public var replyTo: String?
    /// `mail.smtp`: the SMTP server, when `transport` is `smtp`.
    public var smtp = SMTPSettings()
    /// `mail.retry`: how temporary failures are retried.
    public var retry = RetrySettings()
    /// `mail.autoMailPerRecipientPerHour`: the cap on automatic mail to one address (default 5).
    public var autoMailPerRecipientPerHour = 5

    /// The kinds of transport.
    public enum Transport: String, Sendable, CaseIterable {
        case file, smtp
    }

    /// Where and how to reach the SMTP server.
    public struct SMTPSettings: Sendable, Equatable {
        /// `mail.smtp.url`: `smtp://host:587` (STARTTLS required off loopback) or `smtps://host:465`.
        public var url = ""
        /// `mail.smtp.username`: the AUTH user, if the server needs one.
        public var username: String?
        /// `mail.smtp.passwordFile`: a file holding the password (preferred).
        public var passwordFile: String?
        /// `mail.smtp.passwordEnv`: the environment variable holding the password (default `PALS_SMTP_PASSWORD`).
        public var passwordEnv = "PALS_SMTP_PASSWORD"
        /// `mail.smtp.caFile`: a CA bundle to verify the server's certificate with.
        public var caFile: String?
        /// `mail.smtp.lanes`: connections used at once (default 2).
        public var lanes = 2
        /// `mail.smtp.connectTimeout`: seconds to connect (default 30).
        public var connectTimeout = 30
        /// `mail.smtp.commandTimeout`: seconds to wait for a reply to a command (default 300).
        public var commandTimeout = 300
        /// `mail.smtp.finalReplyTimeout`: seconds to wait for the reply after the final dot (default 600).
        public var finalReplyTimeout = 600
    }

    /// Postfix-like retry of temporary failures.
    public struct RetrySettings: Sendable, Equatable {
        /// `mail.retry.firstDelay`: seconds before the first retry (default 300).
        public var firstDelay = 300
        /// `mail.retry.maxDelay`: the longest wait between tries, in seconds (default 4000, about 67 minutes).
        public var maxDelay = 4000
        /// `mail.retry.giveUpAfter`: seconds after queueing when a message is failed (default 432000, 5 days).
        public var giveUpAfter = 432_000
    }
}
