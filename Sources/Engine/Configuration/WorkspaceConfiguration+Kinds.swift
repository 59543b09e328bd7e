import Foundation
package import Letters

/// How PALS concerns are handled (`concerns`).
package struct ConcernSettings: Sendable, Equatable {
    /// `concerns.targetWorkingDays`: working days after receipt to resolve a concern (default 1: the next working
    /// day, the line past which an informal resolution falls under the complaint regulations).
    package var targetWorkingDays = 1
}

/// How statement requests to other departments are timed (`statements`).
package struct StatementSettings: Sendable, Equatable {
    /// `statements.dueWorkingDays`: working days from the request to the statement's due date (default 10).
    package var dueWorkingDays = 10
    /// `statements.chaseBeforeWorkingDays`: working days before the due date when the first chaser goes (default 2).
    package var chaseBeforeWorkingDays = 2
    /// `statements.chaseAfterWorkingDays`: working days after the due date when the overdue chaser goes, and it is
    /// sent again every as many working days until the statement is received (default 3).
    package var chaseAfterWorkingDays = 3
}

/// Who signs letters (`letters`).
package struct LetterSettings: Sendable, Equatable {
    /// Who signs every letter but the final response.
    package enum Signer: String, Sendable, CaseIterable {
        /// The case's officer (the named contact).
        case officer
        /// The complaints manager.
        case manager
    }

    /// `letters.signedBy`: `officer` (default) or `manager` signs every letter but the final response, which the
    /// `signatory` (the responsible person) always signs.
    package var signedBy: Signer = .officer
    /// `letters.largePrintSize`: the point size of large print, 16 (default), 20 or 24; PDFs and HTML mail alike.
    package var largePrintSize: LargePrintSize = .default
    /// `letters.welshFallbackToEnglish`: whether a Welsh letter may print the English form of a configured text
    /// that has no Welsh form (default false: the letter is refused, naming each missing Welsh form).
    package var welshFallbackToEnglish = false
}

extension WorkspaceConfiguration {
    /// Reads the `concerns`, `statements` and `letters` sections.
    mutating func readKinds(_ top: ConfigurationReader.Section) {
        if let section = top.section("concerns", allowed: ["targetWorkingDays"]) {
            concerns.targetWorkingDays =
                section.integer("targetWorkingDays", in: 0...20) ?? concerns.targetWorkingDays
        }
        if let section = top.section(
            "statements", allowed: ["dueWorkingDays", "chaseBeforeWorkingDays", "chaseAfterWorkingDays"])
        {
            statements.dueWorkingDays = section.integer("dueWorkingDays", in: 1...60) ?? statements.dueWorkingDays
            statements.chaseBeforeWorkingDays =
                section.integer("chaseBeforeWorkingDays", in: 0...20) ?? statements.chaseBeforeWorkingDays
            statements.chaseAfterWorkingDays =
                section.integer("chaseAfterWorkingDays", in: 1...20) ?? statements.chaseAfterWorkingDays
        }
        if let section = top.section("letters", allowed: ["signedBy", "largePrintSize", "welshFallbackToEnglish"]) {
            letters.signedBy = section.choice("signedBy") ?? letters.signedBy
            if let points = section.integer("largePrintSize", in: 1...100) {
                if let size = LargePrintSize(rawValue: points) {
                    letters.largePrintSize = size
                } else {
                    let sizes = LargePrintSize.allCases.map { String($0.rawValue) }.joined(separator: ", ")
                    section.problem("largePrintSize", "must be one of \(sizes) (points)")
                }
            }
            letters.welshFallbackToEnglish = section.bool("welshFallbackToEnglish") ?? letters.welshFallbackToEnglish
        }
    }
}
