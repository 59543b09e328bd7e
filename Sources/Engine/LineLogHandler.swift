import Foundation
package import Logging

/// A log handler that writes one line per event to standard error: for people (`human`) or as JSON lines (`json`).
///
/// Metadata carries case references and message ids only; pals never logs names, addresses or letter text.
package struct LineLogHandler: LogHandler {
    /// How lines look.
    package enum Format: String, Sendable, CaseIterable {
        case human, json
    }

    package var metadata: Logger.Metadata = [:]
    package var metadataProvider: Logger.MetadataProvider?
    package var logLevel: Logger.Level = .info
    private let label: String
    private let format: Format

    package init(label: String, format: Format, level: Logger.Level = .info) {
        self.label = label
        self.format = format
        self.logLevel = level
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let time = ISO8601DateFormatter().string(from: Date())
        let line: String
        switch format {
        case .human:
            let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.clean("\($0.value)"))" }
            line = ([time, event.level.rawValue.uppercased(), Self.clean(event.message.description)] + fields)
                .joined(separator: " ")
        case .json:
            var object: [String: String] = [
                "time": time, "level": event.level.rawValue, "message": event.message.description, "logger": label,
            ]
            for (key, value) in merged { object[key] = "\(value)" }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            line = String(decoding: data, as: UTF8.self)
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Keeps a log line one line: CR and LF become spaces.
    private static func clean(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}
