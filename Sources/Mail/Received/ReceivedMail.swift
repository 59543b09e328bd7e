package import Foundation

/// A message as received from the team mailbox: decoded headers, the best text, attachments, and the delivery report
/// when it is a bounce. Made by ``ReceivedMailParser``; knows nothing about what the message is about.
package struct ReceivedMail: Sendable {
    /// Every header field of the top-level message, in order; values unfolded and RFC 2047-decoded.
    package var headers: ReceivedHeaders
    /// The author (`From`), display name decoded.
    package var from: ReceivedAddress?
    /// Where replies should go (`Reply-To`), when the sender said.
    package var replyTo: ReceivedAddress?
    /// The `To` recipients.
    package var to: [ReceivedAddress]
    /// The decoded subject; "" when absent.
    package var subject: String
    /// The `Message-ID`, without angle brackets.
    package var messageID: String?
    /// The `In-Reply-To` message ids, without angle brackets.
    package var inReplyTo: [String]
    /// The `References` message ids, oldest first, without angle brackets.
    package var references: [String]
    /// The `Date` header, when it could be read.
    package var date: Date?
    /// The text to read: the text/plain body (charset-decoded, LF line ends), else text made from the HTML part.
    /// A forwarded message's own text follows the forwarding note, after a "Forwarded message" block.
    package var text: String
    /// The HTML body, when there is one.
    package var html: String?
    /// Files carried by the message (and by any message forwarded in it), within the size cap.
    package var attachments: [ReceivedAttachment]
    /// The RFC 3464 delivery report, when the message is a `multipart/report; report-type=delivery-status`.
    package var deliveryReport: DeliveryReport?
    /// What the parser left out or could not read faithfully (a refused attachment, parts past a limit, an unknown
    /// charset). Empty for a well-formed message.
    package var notes: [ReceivedMailNote] = []

    package init(
        headers: ReceivedHeaders = ReceivedHeaders(), from: ReceivedAddress? = nil, replyTo: ReceivedAddress? = nil,
        to: [ReceivedAddress] = [], subject: String = "", messageID: String? = nil, inReplyTo: [String] = [],
        references: [String] = [], date: Date? = nil, text: String = "", html: String? = nil,
        attachments: [ReceivedAttachment] = [], deliveryReport: DeliveryReport? = nil, notes: [ReceivedMailNote] = []
    ) {
        self.headers = headers
        self.from = from
        self.replyTo = replyTo
        self.to = to
        self.subject = subject
        self.messageID = messageID
        self.inReplyTo = inReplyTo
        self.references = references
        self.date = date
        self.text = text
        self.html = html
        self.attachments = attachments
        self.deliveryReport = deliveryReport
        self.notes = notes
    }
}

/// The header fields of a received message, in order. Lookup ignores case, as RFC 5322 says names do.
package struct ReceivedHeaders: Sendable {
    /// Each field's name as written and its value: unfolded, RFC 2047-decoded, control characters removed.
    package var fields: [(name: String, value: String)]

    package init(_ fields: [(name: String, value: String)] = []) {
        self.fields = fields
    }

    /// The value of the first field called `name` (any case), or nil.
    package func first(_ name: String) -> String? {
        fields.first { $0.name.caseInsensitiveEquals(name) }?.value
    }

    /// The values of every field called `name` (any case), in order.
    package func all(_ name: String) -> [String] {
        fields.filter { $0.name.caseInsensitiveEquals(name) }.map(\.value)
    }
}

/// A mailbox from an address header: the display name (decoded; nil when none) and the address as written.
package struct ReceivedAddress: Sendable, Hashable {
    package var name: String?
    package var address: String

    package init(name: String? = nil, address: String) {
        self.name = name
        self.address = address
    }
}

/// A file carried by a received message.
package struct ReceivedAttachment: Sendable {
    /// The file name, sanitised: no path separators, no control or direction-changing characters, no leading dots;
    /// nil when the sender gave none (or nothing usable was left).
    package var filename: String?
    /// The media type, lower case, without parameters (`application/pdf`).
    package var contentType: String
    /// The decoded content.
    package var data: [UInt8]
    /// The `Content-ID` without angle brackets, for an image an HTML body shows inline.
    package var contentID: String?

    package init(filename: String?, contentType: String, data: [UInt8], contentID: String? = nil) {
        self.filename = filename
        self.contentType = contentType
        self.data = data
        self.contentID = contentID
    }
}

/// An RFC 3464 delivery status notification: which of our messages it is about and what happened per recipient.
package struct DeliveryReport: Sendable {
    /// The id of the message that could not be delivered, without angle brackets: from the returned headers, else
    /// the `Original-Envelope-Id`.
    package var originalMessageID: String?
    /// One entry per recipient the report is about.
    package var recipients: [Recipient]

    package init(originalMessageID: String? = nil, recipients: [Recipient] = []) {
        self.originalMessageID = originalMessageID
        self.recipients = recipients
    }

    /// What happened to one recipient.
    package struct Recipient: Sendable {
        /// The address (the `Final-Recipient`, else `Original-Recipient`), without its `rfc822;` type.
        package var finalRecipient: String
        /// `failed`, `delayed`, `delivered`, `relayed` or `expanded`, lower case.
        package var action: String
        /// The RFC 3463 status code, such as `5.1.1`.
        package var status: String
        /// The remote server's words (`Diagnostic-Code` without its `smtp;` type), when given.
        package var diagnostic: String?

        package init(finalRecipient: String, action: String, status: String, diagnostic: String? = nil) {
            self.finalRecipient = finalRecipient
            self.action = action
            self.status = status
            self.diagnostic = diagnostic
        }

        /// True for a permanent failure (`failed`, or a 5.x.x status).
        package var isPermanentFailure: Bool { action == "failed" || status.hasPrefix("5") }
    }
}

/// How much a received message may hold before the parser refuses it or a part of it. The defaults fit any message a
/// member of the public can send from an ordinary mail service.
package struct ReceivedMailLimits: Sendable {
    /// A larger message is refused whole (``MailError/Code/messageTooLarge``). Default 30 MiB.
    package var maxMessageBytes: Int = 30 * 1024 * 1024
    /// A larger attachment is left out, with a note; the rest of the message is kept. Default 25 MiB.
    package var maxAttachmentBytes: Int = 25 * 1024 * 1024
    /// Parts past this many are left out, with a note. Default 200.
    package var maxParts: Int = 200
    /// Multiparts and forwarded messages nested deeper than this are left out, with a note. Default 10.
    package var maxDepth: Int = 10
    /// A header section longer than this ends the message's headers (top level: refused). Default 1 MiB.
    package var maxHeaderBytes: Int = 1024 * 1024

    package init(
        maxMessageBytes: Int = 30 * 1024 * 1024, maxAttachmentBytes: Int = 25 * 1024 * 1024, maxParts: Int = 200,
        maxDepth: Int = 10, maxHeaderBytes: Int = 1024 * 1024
    ) {
        self.maxMessageBytes = maxMessageBytes
        self.maxAttachmentBytes = maxAttachmentBytes
        self.maxParts = maxParts
        self.maxDepth = maxDepth
        self.maxHeaderBytes = maxHeaderBytes
    }
}

/// Something the parser left out or could not read faithfully; safe to log (it carries no content, only a
/// file name the sender chose, which ``logDescription`` leaves out).
package enum ReceivedMailNote: Sendable, Hashable, CustomStringConvertible {
    /// An attachment larger than ``ReceivedMailLimits/maxAttachmentBytes`` was left out.
    case attachmentTooLarge(filename: String?, bytes: Int)
    /// Parts after the first ``ReceivedMailLimits/maxParts`` were left out.
    case tooManyParts(limit: Int)
    /// Parts nested deeper than ``ReceivedMailLimits/maxDepth`` were left out.
    case nestedTooDeep(limit: Int)
    /// A multipart's closing boundary never came; its parts were read to the end of the message.
    case unclosedMultipart
    /// A part's header section was too long; the part was left out.
    case partHeaderTooLong
    /// Text in this charset was read as UTF-8 (or Windows-1252 where that failed) and may show wrong characters.
    case unknownCharset(String)

    /// What a person reading the case would want to know, in plain words.
    package var description: String {
        switch self {
        case .attachmentTooLarge(let filename, let bytes):
            let name = filename.map { "“\($0)”" } ?? "an unnamed attachment"
            return "\(name) (\(Self.megabytes(bytes)) MB) was too large to keep and was left out"
        case .tooManyParts(let limit): return "the message had more than \(limit) parts; the rest were left out"
        case .nestedTooDeep(let limit):
            return "parts nested more than \(limit) deep were left out"
        case .unclosedMultipart: return "the message ended before its last part was closed"
        case .partHeaderTooLong: return "a part with an over-long header was left out"
        case .unknownCharset(let charset): return "text in the unknown charset \(charset) may show wrong characters"
        }
    }

    /// Whole megabytes (10⁶ bytes, as people count them), at least 1.
    private static func megabytes(_ bytes: Int) -> Int { max(1, (bytes + 500_000) / 1_000_000) }

    /// The description without the sender's file name, for logs.
    package var logDescription: String {
        if case .attachmentTooLarge(_, let bytes) = self {
            return "an attachment (\(Self.megabytes(bytes)) MB) was too large to keep and was left out"
        }
        return description.escapingControlsInNote
    }
}

extension String {
    /// ASCII case-insensitive equality, as header names compare.
    func caseInsensitiveEquals(_ other: String) -> Bool {
        self.utf8.count == other.utf8.count && self.lowercased() == other.lowercased()
    }

    fileprivate var escapingControlsInNote: String {
        String(String.UnicodeScalarView(unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }))
    }
}
