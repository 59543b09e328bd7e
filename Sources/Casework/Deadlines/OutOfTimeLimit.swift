extension ProfileID {
    /// The months within which a complaint is normally made, from the events or from becoming aware of them:
    /// 12 in England, Wales and Northern Ireland, 6 in Scotland (DESIGN, "Out of time").
    package var defaultOutOfTimeMonths: Int {
        switch self {
        case .scotland: 6
        case .england, .wales, .northernIreland, .northernIrelandMCHP: 12
        }
    }
}

extension DeadlineProfile {
    /// The time limit for making a complaint under this profile, in months: the organisation's setting, else the
    /// jurisdiction's default.
    package var outOfTimeLimitMonths: Int { outOfTimeMonths ?? id.defaultOutOfTimeMonths }
}
