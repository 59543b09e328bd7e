package import Foundation

/// Reads the Message-ID of a raw message without parsing the rest, to recognise a message the ledger already holds.
package enum InboundMessageID {
    /// The first `Message-ID` header's value (`<…>`, angle brackets kept), or nil when there is none or it is
    /// not printable ASCII. Only the header block is read (up to the first empty line, at most 256 KiB).
    package static func messageID(in raw: Data) -> String? {
        let head = raw.prefix(256 * 1024)
        var lines: [String] = []
        for piece in head.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            var line = String(decoding: piece, as: UTF8.self)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty { break }
            if let first = line.first, first == " " || first == "\t", !lines.isEmpty {
                lines[lines.count - 1] += " " + line.trimmingCharacters(in: .whitespaces)
            } else {
                lines.append(line)
            }
        }
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            guard name == "message-id" else { continue }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            var id = value
            if let open = value.firstIndex(of: "<"), let close = value[open...].firstIndex(of: ">") {
                id = String(value[open...close])
            }
            let printable = id.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F }
            guard id.count > 2, id.utf8.count <= 998, printable else { return nil }
            return id
        }
        return nil
    }
}
