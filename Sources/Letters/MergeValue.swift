/// A value in a letter's merge context: text, a flag, a list or an object of named values.
///
/// There is deliberately no `nil` case: an absent value is simply not in the context, so it can
/// never render as "nil" or as an empty string (the strict merge reports it instead).
package enum MergeValue: Sendable, Hashable {
    /// Text, such as a name, a formatted date or a reference.
    case string(String)
    /// A flag that switches a section on or off, such as `hasPatient`.
    case bool(Bool)
    /// A list, such as address lines or the items of a digest.
    case list([MergeValue])
    /// An object of named values, such as `recipient`.
    case object([String: MergeValue])

    /// The text of a `.string` value, or nil.
    package var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The named child of an `.object` value, or nil.
    package subscript(key: String) -> MergeValue? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }
}

extension MergeValue: ExpressibleByStringLiteral {
    /// Makes a `.string` value from a literal.
    package init(stringLiteral value: String) { self = .string(value) }
}

extension MergeValue: ExpressibleByBooleanLiteral {
    /// Makes a `.bool` value from a literal.
    package init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension MergeValue: ExpressibleByArrayLiteral {
    /// Makes a `.list` value from a literal.
    package init(arrayLiteral elements: MergeValue...) { self = .list(elements) }
}

extension MergeValue: ExpressibleByDictionaryLiteral {
    /// Makes an `.object` value from a literal.
    package init(dictionaryLiteral elements: (String, MergeValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

/// The merge context of one letter: the values its template may name, addressed by dotted path.
///
/// The Engine builds one from a case (see ``MergeFieldCatalog`` for the names it fills):
/// ```swift
/// var context = MergeContext()
/// context["case.reference"] = "PALS-2026-0042"
/// context["hasPatient"] = true
/// context["deadlines.backstop"] = backstop.map { .string($0) }   // nil leaves it absent
/// ```
package struct MergeContext: Sendable, Hashable {
    /// The top-level values, by name.
    package var root: [String: MergeValue]

    /// Makes a context from top-level values.
    package init(_ root: [String: MergeValue] = [:]) { self.root = root }

    /// The value at a dotted path such as `recipient.salutation`; setting nil removes it.
    package subscript(path: String) -> MergeValue? {
        get {
            var components = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !components.isEmpty else { return nil }
            var value = root[components.removeFirst()]
            for component in components { value = value?[component] }
            return value
        }
        set {
            let components = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard let first = components.first, !first.isEmpty else { return }
            root[first] = Self.setting(newValue, at: components.dropFirst(), in: root[first])
        }
    }

    private static func setting(_ value: MergeValue?, at path: ArraySlice<String>, in node: MergeValue?) -> MergeValue?
    {
        guard let key = path.first else { return value }
        var fields: [String: MergeValue] = [:]
        if case .object(let existing) = node { fields = existing }
        fields[key] = setting(value, at: path.dropFirst(), in: fields[key])
        return .object(fields)
    }
}

extension MergeContext: ExpressibleByDictionaryLiteral {
    /// Makes a context from dotted paths and values, e.g. `["case.reference": "PALS-2026-0042"]`.
    package init(dictionaryLiteral elements: (String, MergeValue)...) {
        self.init()
        for (path, value) in elements { self[path] = value }
    }
}
