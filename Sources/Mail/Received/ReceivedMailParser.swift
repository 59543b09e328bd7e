internal import Foundation

/// Reads a received message (RFC 5322 with MIME) into a ``ReceivedMail``.
///
/// Tolerant of what real clients send (bare LF line ends, 8-bit headers, broken encodings, unclosed multiparts) and
/// safe with hostile input: a message over the size limit is refused whole; parts past the part or depth limits and
/// over-large attachments are left out with a note; nothing recurses deeper than ``ReceivedMailLimits/maxDepth``.
///
/// A forwarded message (`message/rfc822`) is read into the text, after a "Forwarded message" block with its
/// From, Date, Subject and To, and its attachments join the message's own: complaints are often forwarded to the
/// team by another department, and the complainant's words must be in front of the officer, not in a file.
package enum ReceivedMailParser {
    /// Reads `bytes` (the whole message as it came from the mailbox).
    /// - Throws: ``MailError`` `.messageTooLarge` over ``ReceivedMailLimits/maxMessageBytes``;
    ///   `.malformedMessage` when the header section never ends within ``ReceivedMailLimits/maxHeaderBytes``.
    package static func parse(_ bytes: [UInt8], limits: ReceivedMailLimits = .init()) throws(MailError) -> ReceivedMail
    {
        guard bytes.count <= limits.maxMessageBytes else {
            throw MailError(
                .messageTooLarge,
                reason:
                    "the message is \(size(bytes.count)); messages up to \(size(limits.maxMessageBytes)) can be read")
        }
        guard let top = MIMEEntity(bytes[...], maxHeaderBytes: limits.maxHeaderBytes, defaultType: "text/plain") else {
            throw MailError(
                .malformedMessage,
                reason: "the message's header section is longer than \(limits.maxHeaderBytes / 1024) KiB")
        }
        var walker = Walker(limits: limits)
        var body = Collected()
        walker.walk(top, depth: 0, into: &body)

        var mail = ReceivedMail()
        mail.headers = ReceivedHeaders(
            top.fields.map { (name: $0.name, value: ReceivedHeaderDecoding.decodeEncodedWords($0.value)) })
        mail.from = top.raw("from").flatMap { ReceivedAddressList.parse($0).first }
        mail.replyTo = top.raw("reply-to").flatMap { ReceivedAddressList.parse($0).first }
        mail.to = top.allRaw("to").flatMap(ReceivedAddressList.parse)
        mail.subject = mail.headers.first("subject") ?? ""
        mail.messageID = top.raw("message-id").flatMap { ReceivedHeaderDecoding.messageIDs($0).first }
        mail.inReplyTo = top.raw("in-reply-to").map(ReceivedHeaderDecoding.messageIDs) ?? []
        mail.references = top.raw("references").map(ReceivedHeaderDecoding.messageIDs) ?? []
        mail.date = top.raw("date").flatMap(ReceivedDate.parse)
        mail.text = body.text
        mail.html = body.htmls.first
        mail.attachments = body.attachments
        mail.deliveryReport = body.report
        mail.notes = walker.notes
        return mail
    }

    /// `12 MiB` or `3 KiB`, rounded up.
    private static func size(_ bytes: Int) -> String {
        bytes >= 1_048_576 ? "\((bytes + 1_048_575) / 1_048_576) MiB" : "\((bytes + 1023) / 1024) KiB"
    }
}

/// One MIME entity: its header fields and its (still transfer-encoded) body.
struct MIMEEntity {
    var fields: [RawHeaderField]
    var body: ArraySlice<UInt8>
    /// `type/subtype`, lower case.
    var contentType: String
    var parameters: [String: String]
    /// `inline`, `attachment` or nil.
    var disposition: String?
    var dispositionParameters: [String: String]
    /// Lower case; `7bit` when absent.
    var transferEncoding: String

    /// Splits `bytes` into header section and body; nil when the header section is longer than `maxHeaderBytes`.
    /// The header section ends at the first empty line, or at the first line that is not a header field.
    init?(_ bytes: ArraySlice<UInt8>, maxHeaderBytes: Int, defaultType: String) {
        var lines: [ArraySlice<UInt8>] = []
        var position = bytes.startIndex
        var bodyStart = bytes.endIndex
        while position < bytes.endIndex {
            if position - bytes.startIndex > maxHeaderBytes { return nil }
            let lineEnd = bytes[position...].firstIndex(of: 0x0A) ?? bytes.endIndex
            var line = bytes[position..<lineEnd]
            if line.last == 0x0D { line = line.dropLast() }
            let next = lineEnd < bytes.endIndex ? lineEnd + 1 : lineEnd
            if line.isEmpty {
                bodyStart = next
                break
            }
            let isContinuation = line.first == 0x20 || line.first == 0x09
            let isMboxFrom = lines.isEmpty && position == bytes.startIndex && line.starts(with: Array("From ".utf8))
            if !isMboxFrom && !(isContinuation && !lines.isEmpty) && !ReceivedHeaderDecoding.isFieldStart(line) {
                bodyStart = position
                break
            }
            if !isMboxFrom { lines.append(line) }
            position = next
        }
        if position >= bytes.endIndex { bodyStart = bytes.endIndex }
        if bodyStart - bytes.startIndex > maxHeaderBytes + 2 { return nil }
        fields = ReceivedHeaderDecoding.fields(lines)
        body = bytes[bodyStart...]

        let type = fields.first { $0.name.caseInsensitiveEquals("content-type") }
            .map { ReceivedHeaderDecoding.valueAndParameters($0.value) }
        if let type, type.value.contains("/"), !type.value.contains(" ") {
            contentType = type.value
            parameters = type.parameters
        } else {
            contentType = defaultType
            parameters = type?.parameters ?? [:]
        }
        let dispositionField = fields.first { $0.name.caseInsensitiveEquals("content-disposition") }
            .map { ReceivedHeaderDecoding.valueAndParameters($0.value) }
        disposition = dispositionField.map(\.value).flatMap { $0.isEmpty ? nil : $0 }
        dispositionParameters = dispositionField?.parameters ?? [:]
        transferEncoding =
            fields.first { $0.name.caseInsensitiveEquals("content-transfer-encoding") }?.value
            .trimmingCharacters(in: .whitespaces).lowercased() ?? "7bit"
    }

    /// The unfolded but not yet decoded value of the first field called `name`.
    func raw(_ name: String) -> String? { fields.first { $0.name.caseInsensitiveEquals(name) }?.value }

    func allRaw(_ name: String) -> [String] { fields.filter { $0.name.caseInsensitiveEquals(name) }.map(\.value) }

    /// The body with its transfer encoding undone.
    var decodedBody: [UInt8] { ReceivedBodyDecoding.decode(body, transferEncoding: transferEncoding) }

    /// The text of the body in its declared charset (US-ASCII when none), LF line ends, NUL and other control
    /// characters but tab and line feed removed. `unknownCharset` receives a charset that had to be guessed.
    func decodedText(unknownCharset: (String) -> Void) -> String {
        let bytes = decodedBody
        let charset = parameters["charset"] ?? "us-ascii"
        let text: String
        if let known = ReceivedCharsets.decode(bytes, charset: charset) {
            text = known
        } else {
            unknownCharset(ReceivedCharsets.canonical(charset))
            text = ReceivedCharsets.decodeGuessing(bytes)
        }
        return Self.cleanText(text)
    }

    static func cleanText(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\r" {
                scalars.append("\n")
                previousWasCR = true
                continue
            }
            defer { previousWasCR = false }
            if scalar == "\n" {
                if !previousWasCR { scalars.append(scalar) }
                continue
            }
            if scalar == "\t" || scalar.value >= 0x20 && scalar.value != 0x7F { scalars.append(scalar) }
        }
        return String(scalars)
    }

    /// The file name the sender gave (disposition `filename`, else type `name`), sanitised.
    var filename: String? {
        (dispositionParameters["filename"] ?? parameters["name"]).flatMap(ReceivedFilename.sanitised)
    }
}

/// What a walk over a part collects.
struct Collected {
    /// The text/plain bodies, in order.
    var texts: [String] = []
    var htmls: [String] = []
    /// The "Forwarded message" blocks, each with the forwarded message's text.
    var forwarded: [String] = []
    var attachments: [ReceivedAttachment] = []
    var report: DeliveryReport?

    /// The plain text (else text from the HTML), then forwarded messages.
    var text: String {
        var own = texts.map { $0.hasSuffix("\n") || $0.isEmpty ? $0 : $0 + "\n" }.joined()
        if texts.isEmpty, let html = htmls.first { own = HTMLText.text(html) }
        if texts.count == 1 { own = texts[0] }
        guard !forwarded.isEmpty else { return own }
        var all = own
        for block in forwarded {
            if !all.isEmpty && !all.hasSuffix("\n") { all += "\n" }
            if !all.isEmpty { all += "\n" }
            all += block
        }
        return all
    }
}

/// Walks the MIME tree within the limits, noting what it leaves out.
struct Walker {
    let limits: ReceivedMailLimits
    private(set) var notes: [ReceivedMailNote] = []
    private var partCount = 0

    init(limits: ReceivedMailLimits) {
        self.limits = limits
    }

    private mutating func note(_ note: ReceivedMailNote) {
        if !notes.contains(note) { notes.append(note) }
    }

    mutating func walk(_ entity: MIMEEntity, depth: Int, into collected: inout Collected) {
        partCount += 1
        guard partCount <= limits.maxParts else { return note(.tooManyParts(limit: limits.maxParts)) }
        let type = entity.contentType
        if type.hasPrefix("multipart/"), let boundary = entity.parameters["boundary"], !boundary.isEmpty {
            guard depth < limits.maxDepth else { return note(.nestedTooDeep(limit: limits.maxDepth)) }
            let split = MultipartSplitter.split(entity.body, boundary: boundary)
            if !split.closed { note(.unclosedMultipart) }
            let subtype = type.dropFirst("multipart/".count)
            let defaultType = subtype == "digest" ? "message/rfc822" : "text/plain"
            var children: [MIMEEntity] = []
            for part in split.parts {
                guard let child = MIMEEntity(part, maxHeaderBytes: limits.maxHeaderBytes, defaultType: defaultType)
                else {
                    note(.partHeaderTooLong)
                    continue
                }
                children.append(child)
            }
            switch subtype {
            case "alternative": walkAlternative(children, depth: depth, into: &collected)
            case "report" where entity.parameters["report-type"]?.lowercased().hasSuffix("delivery-status") == true:
                walkReport(children, depth: depth, into: &collected)
            default:
                for child in children { walk(child, depth: depth + 1, into: &collected) }
            }
            return
        }
        switch type {
        case "message/rfc822", "message/global":
            guard depth < limits.maxDepth else { return note(.nestedTooDeep(limit: limits.maxDepth)) }
            walkForwarded(entity, depth: depth, into: &collected)
        case "message/delivery-status", "message/global-delivery-status":
            if collected.report == nil { collected.report = DeliveryStatus.parse(entity.decodedBody) }
        case "text/plain" where entity.disposition != "attachment" && entity.filename == nil,
            _ where type.hasPrefix("multipart/"):
            collected.texts.append(entity.decodedText { note(.unknownCharset($0)) })
        case "text/html" where entity.disposition != "attachment" && entity.filename == nil:
            collected.htmls.append(entity.decodedText { note(.unknownCharset($0)) })
        default:
            let data = entity.decodedBody
            let filename = entity.filename
            guard data.count <= limits.maxAttachmentBytes else {
                return note(.attachmentTooLarge(filename: filename, bytes: data.count))
            }
            let contentID = entity.raw("content-id").flatMap { ReceivedHeaderDecoding.messageIDs($0).first }
            collected.attachments.append(
                ReceivedAttachment(filename: filename, contentType: type, data: data, contentID: contentID))
        }
    }

    /// Alternatives of one content: the text of the first that has text, the HTML of the last that has HTML
    /// (the richest), and every attachment (an Apple Mail related part carries its inline images).
    private mutating func walkAlternative(_ children: [MIMEEntity], depth: Int, into collected: inout Collected) {
        var texts: [String]?
        var htmls: [String]?
        for child in children {
            var own = Collected()
            walk(child, depth: depth + 1, into: &own)
            if texts == nil, !own.texts.isEmpty { texts = own.texts }
            if !own.htmls.isEmpty { htmls = own.htmls }
            collected.forwarded += own.forwarded
            collected.attachments += own.attachments
            if collected.report == nil { collected.report = own.report }
        }
        collected.texts += texts ?? []
        collected.htmls += htmls ?? []
    }

    /// A delivery report: the human-readable part becomes the text, the status part the report; the returned
    /// message gives only its Message-ID (its text and files are ours, sent earlier, and not kept again).
    private mutating func walkReport(_ children: [MIMEEntity], depth: Int, into collected: inout Collected) {
        var returnedID: String?
        for (index, child) in children.enumerated() {
            switch child.contentType {
            case "message/rfc822", "text/rfc822-headers", "message/global", "message/global-headers":
                guard returnedID == nil else { continue }
                let inner = ArraySlice(child.decodedBody)
                let headers = MIMEEntity(inner, maxHeaderBytes: limits.maxHeaderBytes, defaultType: "text/plain")
                returnedID = headers?.raw("message-id").flatMap { ReceivedHeaderDecoding.messageIDs($0).first }
            case "message/delivery-status", "message/global-delivery-status":
                walk(child, depth: depth + 1, into: &collected)
            default:
                if index == 0 || !child.contentType.hasPrefix("message/") {
                    walk(child, depth: depth + 1, into: &collected)
                }
            }
        }
        if collected.report == nil { collected.report = DeliveryReport() }
        if let returnedID { collected.report?.originalMessageID = returnedID }
    }

    /// A forwarded message: its text in a "Forwarded message" block, its attachments with the message's own.
    private mutating func walkForwarded(_ entity: MIMEEntity, depth: Int, into collected: inout Collected) {
        let inner = ArraySlice(entity.decodedBody)
        guard let message = MIMEEntity(inner, maxHeaderBytes: limits.maxHeaderBytes, defaultType: "text/plain") else {
            return note(.partHeaderTooLong)
        }
        var own = Collected()
        walk(message, depth: depth + 1, into: &own)
        var block = "---------- Forwarded message ----------\n"
        for name in ["From", "Date", "Subject", "To"] {
            guard let value = message.raw(name) else { continue }
            block += "\(name): \(ReceivedHeaderDecoding.decodeEncodedWords(value))\n"
        }
        block += "\n" + own.text
        collected.forwarded.append(block)
        collected.attachments += own.attachments
    }
}

/// Splits a multipart body at its boundary lines (RFC 2046 section 5.1.1).
enum MultipartSplitter {
    /// The parts between `--boundary` lines (the line break before a boundary belongs to it), and whether the
    /// closing `--boundary--` came. The preamble and epilogue are dropped.
    static func split(_ body: ArraySlice<UInt8>, boundary: String) -> (parts: [ArraySlice<UInt8>], closed: Bool) {
        let delimiter = Array(("--" + boundary).utf8)
        var parts: [ArraySlice<UInt8>] = []
        var partStart: Int?
        var position = body.startIndex
        while position < body.endIndex {
            let lineEnd = body[position...].firstIndex(of: 0x0A) ?? body.endIndex
            let next = lineEnd < body.endIndex ? lineEnd + 1 : lineEnd
            if body[position...].starts(with: delimiter) {
                let rest = body[(position + delimiter.count)..<lineEnd]
                let isClose = rest.starts(with: [0x2D, 0x2D])
                let tail = isClose ? rest.dropFirst(2) : rest
                if tail.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                    if let start = partStart {
                        var end = position
                        if end > start, body[end - 1] == 0x0A {
                            end -= 1
                            if end > start, body[end - 1] == 0x0D { end -= 1 }
                        }
                        parts.append(body[start..<max(start, end)])
                    }
                    if isClose { return (parts, true) }
                    partStart = next
                }
            }
            position = next
        }
        if let start = partStart, start <= body.endIndex { parts.append(body[start..<body.endIndex]) }
        return (parts, false)
    }
}

/// Reads the body of a `message/delivery-status` part: per-message fields, then one block per recipient.
enum DeliveryStatus {
    static func parse(_ bytes: [UInt8]) -> DeliveryReport {
        var blocks: [[ArraySlice<UInt8>]] = [[]]
        let slice = bytes[...]
        var position = slice.startIndex
        while position < slice.endIndex {
            let lineEnd = slice[position...].firstIndex(of: 0x0A) ?? slice.endIndex
            var line = slice[position..<lineEnd]
            if line.last == 0x0D { line = line.dropLast() }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                if !(blocks.last?.isEmpty ?? true) { blocks.append([]) }
            } else {
                blocks[blocks.count - 1].append(line)
            }
            position = lineEnd < slice.endIndex ? lineEnd + 1 : lineEnd
        }
        var report = DeliveryReport()
        for (index, block) in blocks.enumerated() where !block.isEmpty {
            let fields = ReceivedHeaderDecoding.fields(block)
            func value(_ name: String) -> String? { fields.first { $0.name.caseInsensitiveEquals(name) }?.value }
            if index == 0, let envelope = value("original-envelope-id") {
                report.originalMessageID =
                    ReceivedHeaderDecoding.messageIDs(envelope).first
                    ?? envelope.trimmingCharacters(in: .whitespaces)
            }
            guard let recipient = value("final-recipient") ?? value("original-recipient") else { continue }
            report.recipients.append(
                DeliveryReport.Recipient(
                    finalRecipient: withoutType(recipient).trimmingCharacters(in: CharacterSet(charactersIn: "<> ")),
                    action: (value("action") ?? "").trimmingCharacters(in: .whitespaces).lowercased(),
                    status: (value("status") ?? "").split(separator: " ").first.map(String.init) ?? "",
                    diagnostic: value("diagnostic-code").map(withoutType)))
        }
        return report
    }

    /// `rfc822; pat@example.org` → `pat@example.org`.
    private static func withoutType(_ value: String) -> String {
        guard let semicolon = value.firstIndex(of: ";") else { return value.trimmingCharacters(in: .whitespaces) }
        return value[value.index(after: semicolon)...].trimmingCharacters(in: .whitespaces)
    }
}

/// File names as received, made safe to show and to save.
enum ReceivedFilename {
    /// The last path component, without control, direction-changing or line-separator characters, leading dots or
    /// surrounding spaces, `:` made `_`, at most 255 UTF-8 bytes (the extension kept); nil when nothing is left.
    static func sanitised(_ name: String) -> String? {
        let component = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var scalars = String.UnicodeScalarView()
        for scalar in component.unicodeScalars {
            switch scalar.value {
            case 0x00..<0x20, 0x7F...0x9F, 0x200B...0x200F, 0x2028...0x202E, 0x2066...0x2069, 0xFEFF: continue
            case 0x3A: scalars.append("_")
            default: scalars.append(scalar)
            }
        }
        var clean = String(scalars).trimmingCharacters(in: .whitespaces)
        while clean.hasPrefix(".") { clean = String(clean.dropFirst()).trimmingCharacters(in: .whitespaces) }
        guard !clean.isEmpty else { return nil }
        if clean.utf8.count > 255 {
            let dot = clean.lastIndex(of: ".")
            let suffix = dot.map { String(clean[$0...]) }.flatMap { $0.utf8.count <= 16 ? $0 : nil } ?? ""
            var stem = suffix.isEmpty ? clean : String(clean[..<dot!])
            while stem.utf8.count + suffix.utf8.count > 255 { stem.removeLast() }
            clean = stem + suffix
        }
        return clean
    }
}
