package import Casework
import Foundation

/// What kind of NHS body a workspace belongs to (`organisation.type`): it picks the national return it submits.
package enum OrganisationType: String, Sendable, CaseIterable {
    /// A trust or other body providing hospital and community health services: submits KO41a.
    case trust
    /// A GP practice: submits KO41b (GP collection).
    case gpPractice = "gp-practice"
    /// A dental practice: submits KO41b (dental collection).
    case dentalPractice = "dental-practice"

    /// Whether the body submits KO41b (primary care) rather than KO41a.
    package var isPrimaryCare: Bool { self != .trust }
}

extension WorkspaceConfiguration {
    /// Reads the `coding` section (`organisation.type` is read with the rest of `organisation`):
    ///
    /// - `organisation.type`: `trust` (default), `gp-practice` or `dental-practice`.
    /// - `coding.subjects`, `coding.serviceAreas`, `coding.professions`: each a list of `{id, label, ko41}` that
    ///   replaces the KO41a defaults; `id` is what officers type (lower case letters, digits and hyphens), `label`
    ///   the words reports show, `ko41` the KO41 category it is counted under (default: the id, which must then be
    ///   a KO41 category).
    mutating func readCoding(_ top: ConfigurationReader.Section) {
        guard let section = top.section("coding", allowed: ["subjects", "serviceAreas", "professions"]) else { return }
        let defaults = CodingCategories()
        for (key, keyPath, standard) in [
            ("subjects", \CodingCategories.subjects, defaults.subjects),
            ("serviceAreas", \.serviceAreas, defaults.serviceAreas),
            ("professions", \.professions, defaults.professions),
        ] {
            guard let list = section.list(key) else { continue }
            var categories: [CodingCategory] = []
            for (index, node) in list.enumerated() {
                let path = "coding.\(key)[\(index)]"
                guard let item = top.reader.section(node, key: path, allowed: ["id", "label", "ko41"]) else {
                    continue
                }
                guard let id = item.requiredString("id") else { continue }
                guard Self.isCategoryID(id) else {
                    item.problem("id", "'\(id)' must be lower case letters, digits and hyphens, e.g. car-parking")
                    continue
                }
                if categories.contains(where: { $0.id == id }) {
                    item.problem("id", "'\(id)' is listed twice")
                    continue
                }
                let ko41 = item.string("ko41") ?? id
                guard standard.contains(where: { $0.id == ko41 }) else {
                    let known = standard.map(\.id).joined(separator: ", ")
                    item.problem("ko41", "'\(ko41)' is not a KO41 category; one of: \(known)")
                    continue
                }
                categories.append(CodingCategory(id: id, label: item.string("label") ?? id, ko41: ko41))
            }
            if list.isEmpty { section.problem(key, "is empty (leave it out to use the KO41 categories)") }
            coding[keyPath: keyPath] = categories
        }
    }

    private static func isCategoryID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 60 && !id.hasPrefix("-")
            && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}
