// STUB: replaced by the real deadlines at integration.
public enum ProfileID: String, Sendable, Codable, CaseIterable { case england, wales, scotland, northernIreland = "northern-ireland", northernIrelandMCHP = "northern-ireland-mchp" }
extension ProfileID { public var hasStages: Bool { self == .scotland || self == .northernIrelandMCHP } }
