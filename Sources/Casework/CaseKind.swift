/// What a case is: a formal complaint under the complaints regulations, or a PALS concern resolved informally.
///
/// A concern (an enquiry or worry the PALS officer sorts out quickly, e.g. by the next working day) sits outside
/// the complaint regulations: it has its own short target, no statutory acknowledgement and a short resolution
/// letter. When it cannot be resolved informally it is converted into a complaint, keeping its receipt date, and
/// from then on it is a complaint like any other. Cases logged before kinds existed are complaints.
package enum CaseKind: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// A formal complaint: statutory acknowledgement, response deadlines, final response with the ombudsman.
    case complaint
    /// A PALS concern, resolved informally; see ``CaseKind``.
    case concern

    package var description: String { rawValue }
}
