/// The size of large print, in points: what the organisation offers people who need large print (the NHS
/// Accessible Information Standard leaves the size to the person; 16, 20 and 24 pt are the common offers).
package enum LargePrintSize: Int, Sendable, Hashable, CaseIterable, Codable {
    case sixteen = 16
    case twenty = 20
    case twentyFour = 24

    /// 16 pt, the size pals has always printed large print in.
    package static let `default` = LargePrintSize.sixteen

    /// "16 pt".
    package var label: String { "\(rawValue) pt" }
}
