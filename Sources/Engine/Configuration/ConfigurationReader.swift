package import Foundation
package import Primitives
internal import Yams

/// One bad key in a configuration file, with its line.
package struct ConfigurationProblem: Sendable, Equatable, CustomStringConvertible {
    /// The dotted key, e.g. `mail.smtp.lanes`.
    package var key: String
    /// The line in the file (1-based), when known.
    package var line: Int?
    /// What is wrong.
    package var message: String

    package var description: String {
        if let line { return "\(key) (line \(line)): \(message)" }
        return "\(key): \(message)"
    }
}

/// A configuration that cannot be used; lists every bad key.
///
/// A problem's message may quote the value found (an officer's address, say), so the log form names only the file,
/// the keys and their lines.
package struct ConfigurationError: PalsError {
    /// What kind of problem this is (there is one kind: see the problems).
    package typealias Code = ErrorCode<ConfigurationError>

    /// The file that was read.
    package var file: String
    /// Every problem found.
    package var problems: [ConfigurationProblem]

    /// Always ``ErrorCode/invalidConfiguration``.
    package var code: Code { .invalidConfiguration }

    package var errorDescription: String? {
        (["\(file): \(problems.count) problem(s) in the configuration"] + problems.map { "  \($0)" })
            .joined(separator: "\n")
    }

    /// The log form: the file and the keys (with lines), never the values.
    package var description: String { logDescription }
    package var logContext: [(name: String, value: String)] {
        let keys = problems.map { problem in problem.line.map { "\(problem.key):\($0)" } ?? problem.key }
        return [("file", file), ("keys", keys.joined(separator: " "))]
    }
    package var logReason: String? { "\(problems.count) problem(s) in the configuration" }
}

extension ErrorCode where Domain == ConfigurationError {
    /// Matches an error against a code in a `switch` or `catch`.
    package static func ~= (code: Self, error: any Error) -> Bool { code.matches(error) }

    /// Some keys of the configuration are unknown, missing or wrong: see the problems.
    package static let invalidConfiguration = Self("invalid configuration")
}

/// A YAML mapping being read: typed look-ups that record a problem for each bad or unknown key.
///
/// Readers share one problem list, so nested sections report into the same error.
final class ConfigurationReader {
    private(set) var problems: [ConfigurationProblem] = []

    /// Records a problem.
    func problem(_ key: String, _ message: String, at node: Node? = nil) {
        problems.append(ConfigurationProblem(key: key, line: node?.mark.map(\.line), message: message))
    }

    /// A section: the mapping at `key`, checked against its allowed keys.
    func section(_ node: Node?, key: String, allowed: Set<String>) -> Section? {
        guard let node, node.null == nil else { return nil }
        guard let mapping = node.mapping else {
            problem(key, "must be a mapping of keys to values", at: node)
            return nil
        }
        var values: [String: Node] = [:]
        for (keyNode, valueNode) in mapping {
            guard let name = keyNode.string else {
                problem(key, "has a key that is not text", at: keyNode)
                continue
            }
            let path = key.isEmpty ? name : "\(key).\(name)"
            if !allowed.contains(name) {
                problem(
                    path, "is not a known key (known here: \(allowed.sorted().joined(separator: ", ")))", at: keyNode)
                continue
            }
            values[name] = valueNode
        }
        return Section(reader: self, path: key, values: values)
    }

    /// A mapping with keys that are checked against allowed keys.
    struct Section {
        let reader: ConfigurationReader
        let path: String
        let values: [String: Node]

        func key(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

        func node(_ name: String) -> Node? {
            guard let node = values[name], node.null == nil else { return nil }
            return node
        }

        func section(_ name: String, allowed: Set<String>) -> Section? {
            reader.section(node(name), key: key(name), allowed: allowed)
        }

        func string(_ name: String) -> String? {
            guard let node = node(name) else { return nil }
            guard node.scalar != nil, let text = node.string else {
                reader.problem(key(name), "must be text", at: node)
                return nil
            }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : trimmed
        }

        func requiredString(_ name: String) -> String? {
            guard let text = string(name) else {
                // Absent, null or blank; a value that is not text was already reported by string().
                if node(name)?.scalar != nil || node(name) == nil {
                    reader.problem(key(name), "is missing", at: values[name])
                }
                return nil
            }
            return text
        }

        func integer(_ name: String, in range: ClosedRange<Int>) -> Int? {
            guard let node = node(name) else { return nil }
            guard let value = node.int else {
                reader.problem(key(name), "must be a whole number", at: node)
                return nil
            }
            guard range.contains(value) else {
                reader.problem(key(name), "must be between \(range.lowerBound) and \(range.upperBound)", at: node)
                return nil
            }
            return value
        }

        func bool(_ name: String) -> Bool? {
            guard let node = node(name) else { return nil }
            guard let value = node.bool else {
                reader.problem(key(name), "must be true or false", at: node)
                return nil
            }
            return value
        }

        func strings(_ name: String) -> [String]? {
            guard let node = node(name) else { return nil }
            if node.scalar != nil, let single = node.string { return [single] }
            guard node.sequence != nil else {
                reader.problem(key(name), "must be a list of text", at: node)
                return nil
            }
            var result: [String] = []
            for item in node.array() {
                guard item.scalar != nil, let text = item.string else {
                    reader.problem(key(name), "must be a list of text", at: item)
                    return nil
                }
                result.append(text)
            }
            return result
        }

        func list(_ name: String) -> [Node]? {
            guard let node = node(name) else { return nil }
            guard node.sequence != nil else {
                reader.problem(key(name), "must be a list", at: node)
                return nil
            }
            return node.array()
        }

        func choice<T: RawRepresentable & CaseIterable>(_ name: String) -> T? where T.RawValue == String {
            guard let raw = string(name) else { return nil }
            guard let value = T(rawValue: raw) else {
                let known = T.allCases.map(\.rawValue).joined(separator: ", ")
                reader.problem(key(name), "'\(raw)' is not one of: \(known)", at: node(name))
                return nil
            }
            return value
        }

        func problem(_ name: String, _ message: String) {
            reader.problem(key(name), message, at: values[name])
        }
    }
}
