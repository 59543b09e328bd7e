package import Casework
import Primitives

extension WorkspaceConfiguration {
    /// `wales`: the numbers and contacts of Wales's Listening to People rules (concerns received from
    /// `jurisdiction.walesListeningToPeopleFrom`).
    ///
    /// Each day count the 2025 amendment regulations changed but no source here confirms (the early-resolution
    /// period here; the acknowledgement and response periods and the six months' limit in
    /// `deadlines.ruleSets.wales`) keeps the 2011 figure, and `pals config check` warns until the organisation sets
    /// it or says it checked it (`wales.confirmed: true`).
    package struct WalesSettings: Sendable, Equatable {
        /// `wales.earlyResolutionWorkingDays`: working days after receipt to complete early resolution; unset, early
        /// resolution shares the response period and the letters give no date of its own.
        package var earlyResolutionWorkingDays: Int?
        /// `wales.redressCap`: the most financial redress offered under Listening to People, in pounds (£50,000).
        package var redressCap = WalesListeningToPeople.redressCapDefault
        /// `wales.redressCap2011`: the most financial redress offered under the 2011 rules, in pounds (£25,000).
        package var redressCap2011 = WalesListeningToPeople.redressCap2011Default
        /// `wales.llais`: the contact details of Llais, whose advocacy acknowledgements offer (default: its name and
        /// website only; add the local office's telephone and email).
        package var llais = Contact(
            name: "Llais", shortName: "Llais", nameCy: "Llais", shortNameCy: "Llais", web: "www.llaiscymru.org")
        /// `wales.confirmed`: the organisation has checked the 2026 day counts pals uses against the amendment
        /// regulations and WHC 2026/0061, which silences `pals config check`'s warnings about them.
        package var confirmed = false
    }

    /// The Wales keys a `pals.yaml` may hold.
    static let walesKeys: Set<String> = [
        "earlyResolutionWorkingDays", "redressCap", "redressCap2011", "llais", "confirmed",
    ]

    /// The Welsh rules of this workspace, for the deadline desk and the letters.
    package var walesRules: WalesListeningToPeople {
        WalesListeningToPeople(
            from: jurisdiction.walesListeningToPeopleFrom, earlyResolutionWorkingDays: wales.earlyResolutionWorkingDays,
            redressCap2011: wales.redressCap2011, redressCap: wales.redressCap)
    }

    /// `jurisdiction.walesListeningToPeopleFrom`: a date, or `never`.
    mutating func readWalesStart(_ section: ConfigurationReader.Section) {
        guard let text = section.string("walesListeningToPeopleFrom") else { return }
        if text == "never" {
            jurisdiction.walesListeningToPeopleFrom = nil
        } else if let day = CivilDate(iso: text) {
            jurisdiction.walesListeningToPeopleFrom = day
        } else {
            section.problem("walesListeningToPeopleFrom", "'\(text)' is not a date such as 2026-04-01 or never")
        }
    }

    /// The `wales` section.
    mutating func readWales(_ top: ConfigurationReader.Section) {
        guard let section = top.section("wales", allowed: Self.walesKeys) else { return }
        wales.earlyResolutionWorkingDays = section.integer("earlyResolutionWorkingDays", in: 1...60)
        wales.redressCap = section.integer("redressCap", in: 1...10_000_000) ?? wales.redressCap
        wales.redressCap2011 = section.integer("redressCap2011", in: 1...10_000_000) ?? wales.redressCap2011
        wales.confirmed = section.bool("confirmed") ?? false
        let contactKeys: Set<String> = [
            "name", "shortName", "nameCy", "shortNameCy", "address", "phone", "email", "web",
        ]
        if let llais = section.section("llais", allowed: contactKeys) {
            var contact = wales.llais
            contact.name = llais.string("name") ?? contact.name
            contact.shortName = llais.string("shortName") ?? contact.shortName
            contact.nameCy = llais.string("nameCy") ?? contact.nameCy
            contact.shortNameCy = llais.string("shortNameCy") ?? contact.shortNameCy
            contact.addressLines = llais.strings("address") ?? contact.addressLines
            contact.phone = llais.string("phone") ?? contact.phone
            contact.email = llais.string("email") ?? contact.email
            contact.web = llais.string("web") ?? contact.web
            wales.llais = contact
        }
    }
}
