internal import Foundation

/// The stand-in kept for an email too large to take whole: its own header, bar the MIME fields, over a short plain
/// text that says how large it was and where the whole message is.
///
/// Intake then treats it as any other mail (a triage case, a reply on a case, an automatic message), so a complaint
/// with a large attachment is neither lost nor left to block every later message: the officer reads the stand-in
/// on the case and opens the original, which stays in the mailbox, to see its attachments.
enum OversizeInbound {
    /// The header field (lower case) that marks a stand-in, with the original's size in bytes.
    static let header = "x-pals-oversize"

    /// Header fields that describe the original body, which the stand-in replaces (and a marker the sender set).
    private static let replacedFields: Set<String> = [
        "mime-version", "content-type", "content-transfer-encoding", "content-disposition", "content-id", header,
    ]

    /// The stand-in for a message of `size` bytes (nil when the server did not say) over `limit`, whose `header`
    /// (`BODY[HEADER]`) was fetched from `folder`.
    static func standIn(header: Data, size: Int?, limit: Int, folder: String) -> Data {
        var kept: [Substring] = []
        var keeping = true
        let text = String(decoding: header, as: UTF8.self)
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            if line.first == " " || line.first == "\t" {
                if keeping { kept.append(line) }
                continue
            }
            let name = line.prefix { $0 != ":" }.lowercased()
            keeping = !replacedFields.contains(name)
            if keeping { kept.append(line) }
        }
        let mebibyte = 1024 * 1024
        let measured = size.map { "\(($0 + mebibyte - 1) / mebibyte) MiB" } ?? "more than \(limit / mebibyte) MiB"
        let note = """
            This email was too large for pals to take whole (\(measured); the limit is \(limit / mebibyte) MiB, \
            set by intake.mailbox.maximumMessageMiB), so only its header was taken.
            The whole email, with any attachments, is still in the team mailbox, folder "\(folder)": open it there.
            """
        let lines =
            kept.map(String.init) + [
                "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit",
                "X-Pals-Oversize: \(size.map(String.init) ?? "unknown")", "",
            ] + note.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return Data((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }
}
