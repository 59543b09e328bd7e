import Foundation
internal import GRDB
import Primitives

extension CaseRegister {
    /// The schema of coding: two JSON columns on the case row (the coding and the ombudsman referrals), so a case
    /// is still one row and every existing read of it stays one query.
    static func registerCodingMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-reports: case coding") { db in
            try db.alter(table: "cases") { t in
                t.add(column: "coding", .jsonText)
                t.add(column: "ombudsmanReferrals", .jsonText)
            }
        }
    }

    /// Every case with the dates and coding the returns and reports count, oldest received first: no personal
    /// data is read. The response and withdrawal times come from the case's history in the same query.
    func reportRows() throws(RegisterError) -> [CaseReportRow] {
        try read { db in
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT reference, kind, profile, status, officer, receivedAt, acknowledgedAt,
                        acknowledgedOutsidePals, agreedResponseDate, closedAt, coding, ombudsmanReferrals,
                        (SELECT min(at) FROM case_events e
                            WHERE e.reference = cases.reference AND e.kind = 'responded') AS respondedAt,
                        (SELECT max(at) FROM case_events e
                            WHERE e.reference = cases.reference AND e.kind = 'withdrawn') AS withdrawnAt
                    FROM cases ORDER BY receivedAt, reference
                    """)
            var listing: [CaseReportRow] = []
            while let row = try rows.next() { listing.append(try CaseReportRow(row: row)) }
            return listing
        }
    }
}

extension CaseRegister: CaseReportListing {}

extension CaseReportRow {
    /// Reads a row of ``CaseRegister/reportRows()``; an unknown value is an error naming the case.
    fileprivate init(row: Row) throws {
        let reference: String = row["reference"]
        func choice<T: RawRepresentable>(_ column: String) throws -> T where T.RawValue == String {
            let raw: String = row[column]
            guard let value = T(rawValue: raw) else {
                throw RegisterError.invalid(reference, "unknown \(column) '\(raw)' in the register")
            }
            return value
        }
        self.init(
            reference: reference, kind: try choice("kind"), profile: try choice("profile"),
            status: try choice("status"), officer: row["officer"], receivedAt: row["receivedAt"],
            acknowledgedAt: row["acknowledgedAt"], acknowledgedOutsidePals: row["acknowledgedOutsidePals"],
            agreedResponseDate: (row["agreedResponseDate"] as String?).flatMap(CivilDate.init(iso:)),
            respondedAt: row["respondedAt"], withdrawnAt: row["withdrawnAt"], closedAt: row["closedAt"],
            coding: try CaseRow.coding(row["coding"], reference),
            ombudsmanReferrals: try CaseRow.referrals(row["ombudsmanReferrals"], reference))
    }
}

extension CaseRow {
    /// Reads the coding columns into `record` (a case logged before coding existed has none).
    static func decodeCoding(_ row: Row, into record: inout Case) throws {
        record.coding = try coding(row["coding"], record.reference)
        record.ombudsmanReferrals = try referrals(row["ombudsmanReferrals"], record.reference)
    }

    /// Writes the coding columns.
    func encodeCoding(to container: inout PersistenceContainer) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        container["coding"] =
            record.coding.isEmpty ? nil : String(decoding: try encoder.encode(record.coding), as: UTF8.self)
        container["ombudsmanReferrals"] =
            record.ombudsmanReferrals.isEmpty
            ? nil : String(decoding: try encoder.encode(record.ombudsmanReferrals), as: UTF8.self)
    }

    static func coding(_ text: String?, _ reference: String) throws -> CaseCoding {
        guard let text else { return CaseCoding() }
        do {
            return try JSONDecoder().decode(CaseCoding.self, from: Data(text.utf8))
        } catch {
            throw RegisterError.invalid(reference, "its coding in the register cannot be read")
        }
    }

    static func referrals(_ text: String?, _ reference: String) throws -> [OmbudsmanReferral] {
        guard let text else { return [] }
        do {
            return try JSONDecoder().decode([OmbudsmanReferral].self, from: Data(text.utf8))
        } catch {
            throw RegisterError.invalid(reference, "its ombudsman referrals in the register cannot be read")
        }
    }
}
