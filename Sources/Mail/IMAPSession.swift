internal import CCurl
internal import CCurlShim
internal import Dispatch
package import Foundation
internal import Primitives

#if canImport(Glibc)
    internal import Glibc
#endif

/// What STATUS says of a folder.
package struct IMAPFolderStatus: Sendable, Hashable {
    /// The folder's UIDVALIDITY: while it stays the same, a UID names the same message for ever.
    package let uidValidity: UInt32
    /// How many messages the folder holds.
    package let messages: Int
    /// The UID the next message will get.
    package let uidNext: UInt32?
}

/// What the server says of one message before it is downloaded.
package struct IMAPMessageInfo: Sendable, Hashable {
    /// The message's UID in its folder.
    package let uid: UInt32
    /// When the server received it (INTERNALDATE).
    package let internalDate: Date?
    /// Its size in bytes (RFC822.SIZE).
    package let size: Int?
    /// Whether it was read (`\Seen`) before pals looked at it.
    package var seen = false
}

/// One connection to an IMAP server through libcurl: reads a folder's state, lists new UIDs, downloads messages
/// by UID and marks or moves them.
///
/// Every call blocks the calling thread until the server answers: use a session on a thread of its own (a
/// Dispatch queue), never on Swift's cooperative pool. One thread at a time. libcurl keeps the connection open
/// between calls and selects the folder a call names before it runs.
///
/// The password is given to libcurl only, and every line the server sends is redacted before it is kept, so no
/// error or log this session makes can hold it.
package final class IMAPSession {
    /// The checked settings.
    package let plan: IMAPPlan
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let redactor: CredentialRedactor
    private var cachedCapabilities: Set<String>?

    /// A session for `configuration`; nothing connects until the first call.
    /// - Throws: ``MailError`` when the settings are invalid or would send the login without TLS.
    package init(configuration: IMAPConfiguration) throws(MailError) {
        let plan = try configuration.plan()
        try CurlGlobal.initialize()
        guard let handle = curl_easy_init() else { throw MailError(.curl, reason: "curl_easy_init failed") }
        self.plan = plan
        self.handle = handle
        self.redactor = CredentialRedactor(credentials: configuration.credentials)
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var codes: [CURLcode] = []
        codes.append(ccurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "imap,imaps"))
        codes.append(ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        codes.append(ccurl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1))
        codes.append(ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
        codes.append(ccurl_setopt_long(handle, CURLOPT_VERBOSE, 1))
        codes.append(ccurl_setopt_debug_function(handle, IMAPCallbacks.debug))
        codes.append(ccurl_setopt_write_function(handle, IMAPCallbacks.write))
        codes.append(ccurl_setopt_long(handle, CURLOPT_NOPROGRESS, 0))
        codes.append(ccurl_setopt_xferinfo_function(handle, IMAPCallbacks.progress))
        let tls = plan.useTLS ? CURLUSESSL_ALL : CURLUSESSL_NONE
        codes.append(ccurl_setopt_long(handle, CURLOPT_USE_SSL, Int(tls.rawValue)))
        codes.append(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1))
        codes.append(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2))
        codes.append(ccurl_setopt_long(handle, CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_2)))
        if let caFile = configuration.caFile { codes.append(ccurl_setopt_string(handle, CURLOPT_CAINFO, caFile)) }
        // plan() refused a server off this machine without TLS; this is the second lock on that door.
        precondition(plan.useTLS || plan.isLoopback, "an IMAP login without TLS off loopback")
        codes.append(ccurl_setopt_string(handle, CURLOPT_USERNAME, configuration.credentials.username))
        codes.append(ccurl_setopt_string(handle, CURLOPT_PASSWORD, configuration.credentials.password))
        codes.append(
            ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, CurlEasy.milliseconds(configuration.connectTimeout)))
        let backstop = configuration.commandTimeout + .seconds(5)
        codes.append(ccurl_setopt_long(handle, CURLOPT_SERVER_RESPONSE_TIMEOUT, CurlEasy.milliseconds(backstop) / 1000))
        if let failed = codes.first(where: { $0 != CURLE_OK }) {
            curl_easy_cleanup(handle)
            errorBuffer.deallocate()
            throw MailError(.curl, reason: "libcurl refused an option: \(String(cString: curl_easy_strerror(failed)))")
        }
    }

    deinit {
        detach()
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// `user@host:port`: names the mailbox in the ledger and the logs.
    package var mailboxName: String { plan.mailboxName }

    // MARK: Commands

    /// The server's capabilities after login, such as `MOVE` and `UIDPLUS` (asked once per session).
    package func capabilities() throws(MailError) -> Set<String> {
        if let cachedCapabilities { return cachedCapabilities }
        let transfer = try perform(url: plan.serverURL + "/", command: "CAPABILITY")
        var found: Set<String> = []
        for line in transfer.untaggedLines where line.uppercased().hasPrefix("* CAPABILITY ") {
            for word in line.dropFirst("* CAPABILITY ".count).split(separator: " ") { found.insert(word.uppercased()) }
        }
        cachedCapabilities = found
        return found
    }

    /// The folder's UIDVALIDITY, message count and next UID (STATUS, which changes no selection).
    /// - Throws: ``MailError/Code/mailboxFolderMissing`` when there is no such folder.
    package func status(_ folder: String) throws(MailError) -> IMAPFolderStatus {
        try checkFolder(folder)
        let transfer = try perform(
            url: plan.serverURL + "/",
            command: "STATUS \(IMAPFolderName.quoted(folder)) (MESSAGES UIDNEXT UIDVALIDITY)",
            folder: folder)
        for line in transfer.untaggedLines where line.uppercased().hasPrefix("* STATUS ") {
            guard let open = line.lastIndex(of: "("), let close = line.lastIndex(of: ")"), open < close else {
                continue
            }
            let words = line[line.index(after: open)..<close].split(separator: " ").map { String($0).uppercased() }
            var values: [String: String] = [:]
            var index = 0
            while index + 1 < words.count {
                values[words[index]] = words[index + 1]
                index += 2
            }
            guard let validity = values["UIDVALIDITY"].flatMap({ UInt32($0) }) else { break }
            return IMAPFolderStatus(
                uidValidity: validity, messages: values["MESSAGES"].flatMap { Int($0) } ?? 0,
                uidNext: values["UIDNEXT"].flatMap { UInt32($0) })
        }
        throw MailError(
            .mailboxFailed, field: "folder", value: folder,
            reason: "the server did not say the folder's UIDVALIDITY (STATUS); pals cannot track its messages")
    }

    /// The UIDs in `folder` from `first` up, in ascending order (`UID SEARCH UID first:*`).
    package func uids(in folder: String, from first: UInt32) throws(MailError) -> [UInt32] {
        try checkFolder(folder)
        let transfer = try perform(
            url: plan.folderURL(folder), command: "UID SEARCH UID \(max(first, 1)):*", folder: folder)
        var found: [UInt32] = []
        for line in transfer.untaggedLines where line.uppercased().hasPrefix("* SEARCH") {
            for word in line.dropFirst("* SEARCH".count).split(separator: " ") {
                // `n:*` always matches the highest UID, even below `n`: those are not new.
                if let uid = UInt32(word), uid >= first { found.append(uid) }
            }
        }
        return Array(Set(found)).sorted()
    }

    /// INTERNALDATE, size and `\Seen` of the messages in `folder` from UID `first` up (to `last` when given).
    package func messageInfo(in folder: String, from first: UInt32, through last: UInt32? = nil) throws(MailError)
        -> [UInt32: IMAPMessageInfo]
    {
        try checkFolder(folder)
        let end = last.map { "\(max($0, first))" } ?? "*"
        let transfer = try perform(
            url: plan.folderURL(folder),
            command: "UID FETCH \(max(first, 1)):\(end) (UID FLAGS RFC822.SIZE INTERNALDATE)",
            folder: folder)
        var found: [UInt32: IMAPMessageInfo] = [:]
        for line in transfer.untaggedLines {
            guard let info = Self.parseFetchInfo(line), info.uid >= first, info.uid <= (last ?? .max) else { continue }
            found[info.uid] = info
        }
        return found
    }

    /// Downloads one message (`UID FETCH uid BODY[]`), or only its header (`BODY[HEADER]`); the server may take
    /// either as reading it (`\Seen`).
    /// - Throws: ``MailError/Code/uidValidityChanged`` when the folder's UIDVALIDITY is no longer `uidValidity`;
    ///   ``MailError/Code/messageGone`` when the message has left the folder; ``MailError/Code/messageTooLarge``.
    package func fetch(folder: String, uidValidity: UInt32, uid: UInt32, headerOnly: Bool = false) throws(MailError)
        -> Data
    {
        try checkFolder(folder)
        let url =
            headerOnly
            ? plan.headerURL(folder: folder, uidValidity: uidValidity, uid: uid)
            : plan.messageURL(folder: folder, uidValidity: uidValidity, uid: uid)
        let transfer: IMAPTransfer
        do {
            transfer = try perform(url: url, command: nil, folder: folder)
        } catch MailError.Code.messageGone {
            // libcurl says "not found" for both; the folder's UIDVALIDITY tells which.
            let now = try status(folder)
            if now.uidValidity != uidValidity {
                throw MailError(
                    .uidValidityChanged, field: "folder", value: folder,
                    reason: "the folder's UIDVALIDITY changed from \(uidValidity) to \(now.uidValidity)")
            }
            throw MailError(
                .messageGone, field: "folder", value: folder, reason: "message UID \(uid) has left the folder")
        }
        return transfer.body
    }

    /// Marks messages read (`UID STORE … +FLAGS.SILENT (\Seen)`).
    package func markSeen(in folder: String, uids: [UInt32]) throws(MailError) {
        guard !uids.isEmpty else { return }
        try checkFolder(folder)
        _ = try perform(
            url: plan.folderURL(folder), command: "UID STORE \(Self.uidSet(uids)) +FLAGS.SILENT (\\Seen)",
            folder: folder)
    }

    /// Marks messages unread again (`UID STORE … -FLAGS.SILENT (\Seen)`): a download marks a message read by
    /// itself, and one pals could not record must look as it did.
    package func markUnseen(in folder: String, uids: [UInt32]) throws(MailError) {
        guard !uids.isEmpty else { return }
        try checkFolder(folder)
        _ = try perform(
            url: plan.folderURL(folder), command: "UID STORE \(Self.uidSet(uids)) -FLAGS.SILENT (\\Seen)",
            folder: folder)
    }

    /// Moves messages to `destination`: `UID MOVE` where the server offers MOVE, else COPY, `\Deleted` and EXPUNGE
    /// (`UID EXPUNGE` with UIDPLUS, so messages others marked deleted stay).
    package func move(in folder: String, uids: [UInt32], to destination: String) throws(MailError) {
        guard !uids.isEmpty else { return }
        try checkFolder(folder)
        try checkFolder(destination)
        let set = Self.uidSet(uids)
        let target = IMAPFolderName.quoted(destination)
        let url = plan.folderURL(folder)
        let offered = try capabilities()
        if offered.contains("MOVE") {
            _ = try perform(url: url, command: "UID MOVE \(set) \(target)", folder: destination)
            return
        }
        _ = try perform(url: url, command: "UID COPY \(set) \(target)", folder: destination)
        _ = try perform(url: url, command: "UID STORE \(set) +FLAGS.SILENT (\\Deleted)", folder: folder)
        _ = try perform(
            url: url, command: offered.contains("UIDPLUS") ? "UID EXPUNGE \(set)" : "EXPUNGE", folder: folder)
    }

    /// Makes a folder (`CREATE`); one that already exists is fine.
    package func createFolder(_ name: String) throws(MailError) {
        try checkFolder(name)
        do {
            _ = try perform(url: plan.serverURL + "/", command: "CREATE \(IMAPFolderName.quoted(name))", folder: name)
        } catch {
            // A refused CREATE is fine when the folder is there.
            _ = try status(name)
        }
    }

    // MARK: Transfers

    private func checkFolder(_ folder: String) throws(MailError) {
        if let problem = IMAPFolderName.problem(folder) {
            throw MailError(.invalidIMAPConfiguration, field: "folder", value: folder, reason: problem)
        }
    }

    /// Runs one transfer: a command (`command`), or the download named by `url` (`command` nil).
    private func perform(url: String, command: String?, folder: String? = nil) throws(MailError) -> IMAPTransfer {
        let context = IMAPTransferContext(
            commandTimeout: plan.configuration.commandTimeout, limit: plan.configuration.maximumMessageBytes,
            redactor: redactor)
        errorBuffer[0] = 0
        let pointer = Unmanaged.passUnretained(context).toOpaque()
        defer { detach() }
        var codes = [
            ccurl_setopt_string(handle, CURLOPT_URL, url),
            ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, pointer),
            ccurl_setopt_pointer(handle, CURLOPT_DEBUGDATA, pointer),
            ccurl_setopt_pointer(handle, CURLOPT_XFERINFODATA, pointer),
        ]
        codes.append(ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, command))
        if let failed = codes.first(where: { $0 != CURLE_OK }) {
            throw MailError(.curl, reason: "libcurl refused an option: \(String(cString: curl_easy_strerror(failed)))")
        }
        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else {
            if code != CURLE_REMOTE_FILE_NOT_FOUND && code != CURLE_QUOTE_ERROR { abandonConnection() }
            throw classify(code, context: context, folder: folder)
        }
        return IMAPTransfer(body: context.body, untaggedLines: context.bodyLines)
    }

    private func detach() {
        _ = ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, nil)
        _ = ccurl_setopt_pointer(handle, CURLOPT_DEBUGDATA, nil)
        _ = ccurl_setopt_pointer(handle, CURLOPT_XFERINFODATA, nil)
        _ = ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, nil)
    }

    /// Shuts a connection whose state is unknown after a failure, so the next call starts a fresh one.
    private func abandonConnection() {
        cachedCapabilities = nil
        var socket = ccurl_socket_bad()
        if ccurl_getinfo_socket(handle, CURLINFO_ACTIVESOCKET, &socket) == CURLE_OK, socket != ccurl_socket_bad() {
            _ = Glibc.shutdown(socket, Int32(SHUT_RDWR))
        }
    }

    private func curlMessage(_ code: CURLcode) -> String {
        let detail = String(cString: errorBuffer)
        return redactor.redact(detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail).escapingControls
    }

    /// Turns a failed transfer into an error a person can act on. The CURLcode decides first; libcurl answers
    /// "login denied" for a refused SELECT too, so the command that was refused tells those apart.
    private func classify(_ code: CURLcode, context: IMAPTransferContext, folder: String?) -> MailError {
        let message = curlMessage(code)
        let reply = context.taggedReply.map { " (\($0))" } ?? ""
        let server = plan.serverURL
        if context.tooLarge {
            return MailError(
                .messageTooLarge, field: "message",
                reason: "a message is larger than \(plan.configuration.maximumMessageBytes) bytes and was not taken")
        }
        if CurlEasy.certificateCodes.contains(code) {
            return MailError(
                .mailboxTLS, field: "url", value: server,
                reason: "the mailbox server's TLS certificate was not accepted (\(message)); check the host name in the"
                    + " mailbox URL, the server's certificate and the CA file")
        }
        if code == CURLE_USE_SSL_FAILED {
            return MailError(
                .mailboxTLS, field: "url", value: server,
                reason: "the mailbox server does not offer STARTTLS, and TLS is required for a server off this machine;"
                    + " use imaps:// or turn STARTTLS on at the server")
        }
        if code == CURLE_SSL_CONNECT_ERROR || CurlEasy.tlsSetupCodes.contains(code) {
            return MailError(
                .mailboxTLS, field: "url", value: server,
                reason: "the TLS handshake with the mailbox server failed (\(message)); check that the port speaks"
                    + " TLS (imaps:// is usually 993, imap:// with STARTTLS 143)")
        }
        let selecting = context.lastCommand == "SELECT" || context.lastCommand == "EXAMINE"
        if (code == CURLE_LOGIN_DENIED && selecting) || (code == CURLE_QUOTE_ERROR && context.lastCommand == "STATUS") {
            return MailError(
                .mailboxFolderMissing, field: "folder", value: folder,
                reason: "the mailbox has no folder by that name\(reply); check the folder setting")
        }
        if code == CURLE_LOGIN_DENIED || code == CURLE_AUTH_ERROR {
            return MailError(
                .mailboxLoginRefused, field: "username", value: plan.configuration.credentials.username,
                reason: "the mailbox server refused the login\(reply); check the username and the password file")
        }
        if code == CURLE_REMOTE_FILE_NOT_FOUND {
            return MailError(.messageGone, field: "folder", value: folder, reason: "the message is not in the folder")
        }
        if code == CURLE_QUOTE_ERROR {
            let verb = context.lastCommand ?? "a command"
            return MailError(
                .mailboxFailed, field: "folder", value: folder,
                reason: "the mailbox server refused \(verb)\(reply)")
        }
        if context.timedOut {
            let seconds = plan.configuration.commandTimeout.components.seconds
            return MailError(
                .mailboxUnreachable, field: "url", value: server,
                reason: "the mailbox server did not answer within \(seconds) s")
        }
        switch code {
        case CURLE_COULDNT_CONNECT:
            return MailError(
                .mailboxUnreachable, field: "url", value: server,
                reason: "could not connect to the mailbox server (\(message))")
        case CURLE_COULDNT_RESOLVE_HOST:
            return MailError(
                .mailboxUnreachable, field: "url", value: server,
                reason: "could not resolve the mailbox server's name (\(message))")
        case CURLE_OPERATION_TIMEDOUT:
            return MailError(.mailboxUnreachable, field: "url", value: server, reason: "timed out (\(message))")
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_NOT_BUILT_IN:
            return MailError(
                .curl, field: "url", value: server, reason: "libcurl cannot read mail this way (\(message))")
        default:
            return MailError(
                .mailboxUnreachable, field: "url", value: server,
                reason: "the mailbox session failed (\(message))\(reply)")
        }
    }

    // MARK: Parsing

    /// `1:5,7,9:10` for a list of UIDs.
    package static func uidSet(_ uids: [UInt32]) -> String {
        let sorted = Array(Set(uids)).sorted()
        var parts: [String] = []
        var index = 0
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
            parts.append(end == index ? "\(sorted[index])" : "\(sorted[index]):\(sorted[end])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }

    /// `* 2 FETCH (UID 2 RFC822.SIZE 97 INTERNALDATE "01-Dec-2026 16:13:28 +0000")`.
    package static func parseFetchInfo(_ line: String) -> IMAPMessageInfo? {
        let upper = line.uppercased()
        guard upper.hasPrefix("* "), upper.contains(" FETCH ("), let uidRange = upper.range(of: "UID ") else {
            return nil
        }
        guard let uid = UInt32(upper[uidRange.upperBound...].prefix(while: \.isNumber)) else { return nil }
        var size: Int?
        if let sizeRange = upper.range(of: "RFC822.SIZE ") {
            size = Int(upper[sizeRange.upperBound...].prefix(while: \.isNumber))
        }
        var date: Date?
        if let dateRange = line.range(of: "INTERNALDATE \"", options: .caseInsensitive) {
            let text = line[dateRange.upperBound...].prefix(while: { $0 != "\"" })
            date = internalDateFormatter.date(from: text.trimmingCharacters(in: .whitespaces))
        }
        var info = IMAPMessageInfo(uid: uid, internalDate: date, size: size)
        if let flags = upper.range(of: "FLAGS (") {
            info.seen = upper[flags.upperBound...].prefix(while: { $0 != ")" }).contains("\\SEEN")
        }
        return info
    }

    private static var internalDateFormatter: DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "d-MMM-yyyy HH:mm:ss Z"
        return formatter
    }
}

/// What one transfer brought back.
struct IMAPTransfer {
    /// Everything libcurl handed to the write callback: a message, or a command's untagged responses.
    let body: Data
    /// The body as lines, for a command's untagged responses.
    let untaggedLines: [String]
}

/// The state of one IMAP transfer, shared with libcurl's callbacks through a raw pointer; used on one thread.
final class IMAPTransferContext {
    var body = Data()
    let limit: Int
    var tooLarge = false
    var lastActivity: UInt64
    let commandTimeout: UInt64
    var timedOut = false
    /// The verb of the last command sent (never its arguments: AUTHENTICATE carries the credentials).
    var lastCommand: String?
    /// The server's last tagged reply, redacted, such as `NO [NONEXISTENT] Mailbox doesn't exist`.
    var taggedReply: String?
    let redactor: CredentialRedactor

    init(commandTimeout: Duration, limit: Int, redactor: CredentialRedactor) {
        self.limit = limit
        self.redactor = redactor
        self.commandTimeout =
            UInt64(commandTimeout.components.seconds) * 1_000_000_000
            + UInt64(commandTimeout.components.attoseconds / 1_000_000_000)
        lastActivity = DispatchTime.now().uptimeNanoseconds
    }

    var bodyLines: [String] {
        String(decoding: body, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init)
    }

    static let knownVerbs: Set<String> = [
        "CAPABILITY", "LOGIN", "AUTHENTICATE", "SELECT", "EXAMINE", "STATUS", "UID", "FETCH", "SEARCH", "STORE",
        "MOVE", "COPY", "EXPUNGE", "CREATE", "LOGOUT", "NOOP", "STARTTLS", "LIST",
    ]

    /// Whether `word` is a libcurl command tag: a capital letter (it varies with the connection) and digits.
    static func isTag(_ word: Substring) -> Bool {
        guard let first = word.first, first.isASCII, first.isUppercase, word.count > 1 else { return false }
        return word.dropFirst().allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// Notes the verb of a command line `A003 SELECT INBOX` (continuation lines of the login are not commands).
    func sent(_ line: String) {
        let words = line.split(separator: " ", maxSplits: 2)
        if words.count >= 2, Self.isTag(words[0]) {
            let verb = words[1].uppercased().trimmingCharacters(in: .whitespacesAndNewlines)
            // libcurl says LOGOUT when it drops a connection after a failure: the failed command is the one kept.
            guard verb != "LOGOUT" else { return }
            lastCommand = Self.knownVerbs.contains(verb) ? verb : "(command)"
        } else {
            lastCommand = lastCommand == "AUTHENTICATE" || lastCommand == "LOGIN" ? lastCommand : "(command)"
        }
    }

    /// Keeps the last tagged reply (`A004 NO …`), redacted as it arrives.
    func received(_ text: String) {
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = redactor.redact(String(raw), authExchange: lastCommand == "AUTHENTICATE")
            let words = line.split(separator: " ", maxSplits: 1)
            guard words.count == 2, Self.isTag(words[0]) else { continue }
            taggedReply = String(words[1]).escapingControls
        }
    }
}

/// libcurl's callbacks for IMAP transfers, reaching the ``IMAPTransferContext`` through their user pointer.
enum IMAPCallbacks {
    static let write: curl_write_callback = { data, size, count, user in
        let length = size * count
        guard let user else { return length }
        let context = Unmanaged<IMAPTransferContext>.fromOpaque(user).takeUnretainedValue()
        context.lastActivity = DispatchTime.now().uptimeNanoseconds
        guard context.body.count + length <= context.limit else {
            context.tooLarge = true
            return 0  // a short count makes libcurl stop the transfer (CURLE_WRITE_ERROR)
        }
        if let data {
            context.body.append(UnsafeRawBufferPointer(start: data, count: length).bindMemory(to: UInt8.self))
        }
        return length
    }

    static let debug: curl_debug_callback = { _, type, data, size, user in
        guard let user, let data else { return 0 }
        let context = Unmanaged<IMAPTransferContext>.fromOpaque(user).takeUnretainedValue()
        context.lastActivity = DispatchTime.now().uptimeNanoseconds
        switch type {
        case CURLINFO_HEADER_IN:
            context.received(String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self))
        case CURLINFO_HEADER_OUT:
            // Only the tag and verb are read: AUTHENTICATE and LOGIN lines carry the credentials.
            let head = UnsafeRawBufferPointer(start: data, count: min(size, 24))
            context.sent(String(decoding: head, as: UTF8.self))
        default:
            break
        }
        return 0
    }

    static let progress: curl_xferinfo_callback = { user, _, _, _, _ in
        guard let user else { return 0 }
        let context = Unmanaged<IMAPTransferContext>.fromOpaque(user).takeUnretainedValue()
        if DispatchTime.now().uptimeNanoseconds &- context.lastActivity > context.commandTimeout {
            context.timedOut = true
            return 1
        }
        return 0
    }
}
