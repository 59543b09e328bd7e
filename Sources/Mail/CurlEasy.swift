internal import CCurl
internal import CCurlShim
internal import Foundation
internal import Primitives

#if canImport(Glibc)
    internal import Glibc
#endif

/// `curl_global_init`, run once per process before the first handle is made.
enum CurlGlobal {
    private static let result: CURLcode = ccurl_global_init_default()

    static func initialize() throws(MailError) {
        guard result == CURLE_OK else {
            throw MailError(.curl, reason: "curl_global_init failed: \(String(cString: curl_easy_strerror(result)))")
        }
    }
}

/// Why our own progress callback stopped a transfer.
enum TransferAbort: Sendable, Hashable {
    /// No reply or upload progress for the command timeout.
    case commandTimeout
    /// No reply to the final dot within the final-reply timeout.
    case finalReplyTimeout
}

/// The state of one transfer, shared with libcurl's callbacks through a raw pointer; used on one thread only.
final class TransferContext {
    let body: Data
    var offset = 0
    var bodyComplete = false
    var bodyCompletedAt: UInt64 = 0
    var lastActivity: UInt64
    let commandTimeout: UInt64
    let finalReplyTimeout: UInt64
    var abort: TransferAbort?

    /// Lines of a reply still being read.
    private var pending: [String] = []
    /// The last complete reply from the server (all its lines) and its code.
    var lastReply: [String] = []
    var lastReplyCode: Int?
    /// The code of a complete reply that arrived after the whole body was handed over.
    var replyAfterBody: Int?
    /// The last command verb sent (never its arguments: AUTH lines carry credentials).
    var lastCommand: String?
    /// For the probe: the greeting, the last EHLO reply, whether AUTH succeeded, libcurl's info lines.
    var greeting: [String]?
    var ehloReply: [String]?
    var authAnswered: Int?
    var keepsInfo = false
    var info: [String] = []
    /// Takes the credentials out of every reply line before it is kept.
    let redactor: CredentialRedactor

    init(body: Data, commandTimeout: Duration, finalReplyTimeout: Duration, redactor: CredentialRedactor) {
        self.body = body
        self.redactor = redactor
        self.commandTimeout =
            UInt64(commandTimeout.components.seconds) * 1_000_000_000
            + UInt64(commandTimeout.components.attoseconds / 1_000_000_000)
        self.finalReplyTimeout =
            UInt64(finalReplyTimeout.components.seconds) * 1_000_000_000
            + UInt64(finalReplyTimeout.components.attoseconds / 1_000_000_000)
        self.lastActivity = DispatchTime.now().uptimeNanoseconds
    }

    static let knownVerbs: Set<String> = [
        "EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "QUIT", "NOOP", "RSET", "HELP", "VRFY",
    ]

    func sent(_ line: String) {
        let verb = line.prefix(while: { !$0.isWhitespace }).uppercased()
        if Self.knownVerbs.contains(verb) {
            lastCommand = verb
        } else if lastCommand == "AUTH" || lastCommand == "(authentication data)" {
            lastCommand = "(authentication data)"
        } else {
            lastCommand = verb == "." ? "the final dot" : "(command)"
        }
    }

    /// Whether the last command sent belongs to the AUTH exchange (its replies may echo the credentials).
    var inAuthExchange: Bool { lastCommand == "AUTH" || lastCommand == "(authentication data)" }

    func received(_ text: String) {
        for raw in text.split(whereSeparator: \.isNewline) {
            // Redacted as it arrives: nothing a server echoes of the credentials is ever kept.
            let line = redactedLine(String(raw))
            guard !line.isEmpty else { continue }
            pending.append(line)
            let scalars = Array(line.utf8)
            let isLast = scalars.count < 4 || scalars[3] != UInt8(ascii: "-")
            guard isLast else { continue }
            // libcurl says QUIT when it drops a connection after a failure; its 221 is not the answer we want.
            if lastCommand == "QUIT" {
                pending = []
                continue
            }
            lastReply = pending
            pending = []
            lastReplyCode = Int(String(line.prefix(3)))
            if bodyComplete { replyAfterBody = lastReplyCode }
            switch lastCommand {
            case nil: greeting = lastReply
            case "EHLO": ehloReply = lastReply
            case "AUTH", "(authentication data)": if let code = lastReplyCode, code != 334 { authAnswered = code }
            default: break
            }
        }
    }

    /// A reply line with the credentials taken out of its text (the code and its separator are kept as sent).
    private func redactedLine(_ line: String) -> String {
        let head = line.prefix(4)
        let isCode =
            head.prefix(3).allSatisfy(\.isASCII) && head.prefix(3).allSatisfy(\.isNumber)
            && (head.count == 3 || head.last == " " || head.last == "-")
        guard isCode else { return redactor.redact(line, authExchange: inAuthExchange) }
        return head + redactor.redact(String(line.dropFirst(head.count)), authExchange: inAuthExchange)
    }

    /// Notes that libcurl now holds the whole message: from here on a lost connection is `uncertain`.
    func markBodyComplete() {
        if !bodyComplete {
            bodyComplete = true
            bodyCompletedAt = DispatchTime.now().uptimeNanoseconds
        }
    }

    /// The last reply as one line, such as `550 5.1.1 <x@example.org>: Recipient address rejected`.
    var replyText: String? {
        lastReply.isEmpty ? nil : lastReply.map { $0.escapingControls }.joined(separator: " ")
    }
}

/// libcurl's callbacks, as C function pointers that reach the `TransferContext` through their user pointer.
enum CurlCallbacks {
    static let read: curl_read_callback = { buffer, size, count, user in
        guard let buffer, let user else { return ccurl_readfunc_abort() }
        let context = Unmanaged<TransferContext>.fromOpaque(user).takeUnretainedValue()
        let room = size * count
        let remaining = context.body.count - context.offset
        if remaining == 0 {
            context.markBodyComplete()
            return 0
        }
        let length = min(room, remaining)
        let start = context.body.startIndex + context.offset
        context.body.copyBytes(
            to: UnsafeMutableRawBufferPointer(start: buffer, count: length).bindMemory(to: UInt8.self),
            from: start..<(start + length))
        context.offset += length
        context.lastActivity = DispatchTime.now().uptimeNanoseconds
        // libcurl knows the size (INFILESIZE) and may never ask again once it has every byte.
        if context.offset == context.body.count { context.markBodyComplete() }
        return length
    }

    /// Discards anything the server sends as "body" (the NOOP reply of the probe); the default would print it.
    static let write: curl_write_callback = { _, size, count, _ in size * count }

    static let debug: curl_debug_callback = { _, type, data, size, user in
        guard let user else { return 0 }
        let context = Unmanaged<TransferContext>.fromOpaque(user).takeUnretainedValue()
        context.lastActivity = DispatchTime.now().uptimeNanoseconds
        guard let data else { return 0 }
        switch type {
        case CURLINFO_HEADER_IN:
            let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
            context.received(text)
        case CURLINFO_HEADER_OUT:
            // Only the verb is kept: AUTH lines and their continuations carry the credentials.
            let head = UnsafeRawBufferPointer(start: data, count: min(size, 16))
            context.sent(String(decoding: head, as: UTF8.self))
        case CURLINFO_TEXT where context.keepsInfo:
            let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
            context.info.append(text.trimmingCharacters(in: .whitespacesAndNewlines))
        default:
            break
        }
        return 0
    }

    static let progress: curl_xferinfo_callback = { user, _, _, _, _ in
        guard let user else { return 0 }
        let context = Unmanaged<TransferContext>.fromOpaque(user).takeUnretainedValue()
        let now = DispatchTime.now().uptimeNanoseconds
        if context.bodyComplete {
            if context.replyAfterBody == nil, now &- context.bodyCompletedAt > context.finalReplyTimeout {
                context.abort = .finalReplyTimeout
                return 1
            }
        } else if now &- context.lastActivity > context.commandTimeout {
            context.abort = .commandTimeout
            return 1
        }
        return 0
    }
}

/// One libcurl easy handle, configured once for a server and reused for many transfers (keeping the
/// connection open). Used by one thread at a time.
final class CurlEasy {
    let handle: UnsafeMutableRawPointer
    let plan: SMTPPlan
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// Takes the credentials out of server replies and libcurl's messages.
    let redactor: CredentialRedactor
    /// The context libcurl's callbacks point at, kept alive for exactly as long as the handle holds its address.
    private(set) var attachedContext: TransferContext?
    /// The recipient list the handle points at, freed when the transfer is detached.
    private var attachedRecipients: UnsafeMutablePointer<curl_slist>?
    /// False once a transfer ended in anything but success: the connection's state is then unknown (a late
    /// reply may still be on its way) and neither it nor this handle may carry another message.
    private(set) var isReusable = true

    init(plan: SMTPPlan, certificateInfo: Bool = false) throws(MailError) {
        try CurlGlobal.initialize()
        guard let handle = curl_easy_init() else { throw MailError(.curl, reason: "curl_easy_init failed") }
        self.handle = handle
        self.plan = plan
        self.redactor = CredentialRedactor(credentials: plan.configuration.credentials)
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let configuration = plan.configuration
        var codes: [CURLcode] = []
        codes.append(ccurl_setopt_string(handle, CURLOPT_URL, plan.curlURL))
        codes.append(ccurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps"))
        codes.append(ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        codes.append(ccurl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1))
        codes.append(ccurl_setopt_long(handle, CURLOPT_UPLOAD_BUFFERSIZE, Self.uploadBufferSize))
        codes.append(ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
        codes.append(ccurl_setopt_long(handle, CURLOPT_VERBOSE, 1))
        codes.append(ccurl_setopt_debug_function(handle, CurlCallbacks.debug))
        codes.append(ccurl_setopt_write_function(handle, CurlCallbacks.write))
        codes.append(ccurl_setopt_read_function(handle, CurlCallbacks.read))
        codes.append(ccurl_setopt_long(handle, CURLOPT_NOPROGRESS, 0))
        codes.append(ccurl_setopt_xferinfo_function(handle, CurlCallbacks.progress))
        let tls = plan.useTLS ? CURLUSESSL_ALL : CURLUSESSL_NONE
        codes.append(ccurl_setopt_long(handle, CURLOPT_USE_SSL, Int(tls.rawValue)))
        codes.append(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1))
        codes.append(ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2))
        codes.append(ccurl_setopt_long(handle, CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_2)))
        if let caFile = configuration.caFile { codes.append(ccurl_setopt_string(handle, CURLOPT_CAINFO, caFile)) }
        if let credentials = configuration.credentials {
            // plan() has already refused credentials without TLS; this is the second lock on that door.
            precondition(plan.useTLS, "credentials without TLS")
            codes.append(ccurl_setopt_string(handle, CURLOPT_USERNAME, credentials.username))
            codes.append(ccurl_setopt_string(handle, CURLOPT_PASSWORD, credentials.password))
        }
        if certificateInfo { codes.append(ccurl_setopt_long(handle, CURLOPT_CERTINFO, 1)) }
        codes.append(
            ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(configuration.connectTimeout)))
        // libcurl has a single reply timeout; ours (in the progress callback) are finer, this is a backstop.
        let backstop = max(configuration.commandTimeout, configuration.finalReplyTimeout) + .seconds(5)
        codes.append(ccurl_setopt_long(handle, CURLOPT_SERVER_RESPONSE_TIMEOUT, Self.milliseconds(backstop) / 1000))
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

    /// Points libcurl's callbacks at `context` (and the recipient list at `recipients`, now owned here).
    func attach(_ context: TransferContext, recipients: UnsafeMutablePointer<curl_slist>? = nil) -> [CURLcode] {
        detach()
        attachedContext = context
        attachedRecipients = recipients
        let pointer = Unmanaged.passUnretained(context).toOpaque()
        var codes: [CURLcode] = []
        codes.append(ccurl_setopt_pointer(handle, CURLOPT_READDATA, pointer))
        codes.append(ccurl_setopt_pointer(handle, CURLOPT_DEBUGDATA, pointer))
        codes.append(ccurl_setopt_pointer(handle, CURLOPT_XFERINFODATA, pointer))
        if let recipients { codes.append(ccurl_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipients)) }
        return codes
    }

    /// Takes every pointer of the last transfer back from libcurl (the callbacks see nil and do nothing), then
    /// frees the recipient list and lets the context go: the handle never points at freed memory.
    func detach() {
        let codes = [
            ccurl_setopt_pointer(handle, CURLOPT_READDATA, nil),
            ccurl_setopt_pointer(handle, CURLOPT_DEBUGDATA, nil),
            ccurl_setopt_pointer(handle, CURLOPT_XFERINFODATA, nil),
            ccurl_setopt_slist(handle, CURLOPT_MAIL_RCPT, nil),
            ccurl_setopt_string(handle, CURLOPT_MAIL_FROM, nil),
            ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, nil),
        ]
        // libcurl accepts NULL for each of these; were one ever refused, the handle could still point at what is
        // freed below, so it carries no other message (its owner drops it).
        if codes.contains(where: { $0 != CURLE_OK }) { isReusable = false }
        if let attachedRecipients { curl_slist_free_all(attachedRecipients) }
        attachedRecipients = nil
        attachedContext = nil
    }

    /// After a failed or uncertain transfer: shuts the connection libcurl may still keep for reuse, so a reply
    /// meant for this message (a late `550` to the final dot) can never be read as the reply to the next one.
    /// libcurl returns a connection to its cache after a callback abort in the final-reply wait, so this
    /// `shutdown` is what ends it, at once and whatever the cache does; the owner then drops the handle too.
    func abandonConnection() {
        isReusable = false
        var socket = ccurl_socket_bad()
        if ccurl_getinfo_socket(handle, CURLINFO_ACTIVESOCKET, &socket) == CURLE_OK, socket != ccurl_socket_bad() {
            // The result does not matter: a socket the server already closed is as ended as one shut here.
            _ = Glibc.shutdown(socket, Int32(SHUT_RDWR))
        }
    }

    /// libcurl's upload buffer. SMTP makes libcurl allocate a dot-stuffing buffer of twice this for every
    /// message; at the default 64 KiB that 128 KiB block sits at glibc's mmap threshold and is given back to the
    /// system and faulted in again for every message (two `brk` calls each). From 256 KiB it stays in the heap,
    /// and a letter with its PDF (about 46 KB) still goes in one read and one `send`.
    static let uploadBufferSize = 256 * 1024

    static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds) * 1000 + Int(duration.components.attoseconds / 1_000_000_000_000_000)
    }

    /// Sends one message over the handle's connection (opening it if needed) and classifies the result.
    /// After anything but success the connection is shut and ``isReusable`` is false.
    func send(_ message: OutgoingMessage) -> DeliveryOutcome {
        precondition(isReusable, "a CurlEasy is never reused after a failed or uncertain transfer")
        let configuration = plan.configuration
        let context = TransferContext(
            body: message.data, commandTimeout: configuration.commandTimeout,
            finalReplyTimeout: configuration.finalReplyTimeout, redactor: redactor)
        errorBuffer[0] = 0
        defer { detach() }
        var codes = attach(context, recipients: curl_slist_append(nil, "<\(message.envelope.recipient.address)>"))
        codes.append(ccurl_setopt_long(handle, CURLOPT_UPLOAD, 1))
        codes.append(ccurl_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(message.envelope.sender.address)>"))
        codes.append(ccurl_setopt_off_t(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(message.data.count)))
        if let failed = codes.first(where: { $0 != CURLE_OK }) {
            abandonConnection()
            return .permanentFailure(
                code: nil, reply: "libcurl refused an option: \(String(cString: curl_easy_strerror(failed)))")
        }
        let result = curl_easy_perform(handle)
        if result != CURLE_OK { abandonConnection() }
        // When libcurl cannot say, the code stays 0: "no reply", which classify weighs with the CURLcode.
        var responseCode = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &responseCode)
        return Self.classify(
            curlCode: result, responseCode: responseCode, context: context, curlMessage: curlMessage(result),
            configuration: configuration)
    }

    /// libcurl's own words for the failure: the error buffer, else the code's text (credentials taken out).
    func curlMessage(_ code: CURLcode) -> String {
        let detail = String(cString: errorBuffer)
        return redactor.redact(detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail).escapingControls
    }

    // MARK: Classification

    static let certificateCodes: Set<CURLcode> = [
        CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM, CURLE_SSL_ISSUER_ERROR,
        CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE,
    ]
    static let tlsSetupCodes: Set<CURLcode> = [
        CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED,
        CURLE_SSL_CLIENTCERT,
    ]
    static let setupCodes: Set<CURLcode> = [
        CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_NOT_BUILT_IN, CURLE_BAD_FUNCTION_ARGUMENT,
        CURLE_UNKNOWN_OPTION, CURLE_FAILED_INIT,
    ]

    /// Turns a transfer's result into an outcome. The CURLcode decides first (after a TLS failure the
    /// response code still holds a stale 220 or 250); then whether the whole body was handed over.
    static func classify(
        curlCode: CURLcode, responseCode: Int, context: TransferContext, curlMessage: String,
        configuration: SMTPConfiguration
    ) -> DeliveryOutcome {
        let reply = context.replyText
        func replyFor(_ code: Int) -> String {
            context.lastReplyCode == code ? (reply ?? "\(code)") : "\(code) (\(curlMessage))"
        }
        if curlCode == CURLE_OK {
            return .delivered(reply: reply ?? "\(responseCode)")
        }
        if certificateCodes.contains(curlCode) {
            return .permanentFailure(
                code: nil,
                reply: "the server's TLS certificate was not accepted (\(curlMessage)); check the host name in the"
                    + " SMTP URL, the server's certificate and the CA file")
        }
        if curlCode == CURLE_USE_SSL_FAILED {
            return .permanentFailure(
                code: nil,
                reply: "the server does not offer STARTTLS and TLS is required; use smtps:// or a server with STARTTLS")
        }
        if tlsSetupCodes.contains(curlCode) {
            return .permanentFailure(
                code: nil, reply: "TLS could not be set up (\(curlMessage)); check the TLS settings")
        }
        if curlCode == CURLE_LOGIN_DENIED || curlCode == CURLE_AUTH_ERROR {
            let code = context.authAnswered ?? context.lastReplyCode
            let text =
                "the server refused the SMTP credentials (\(code.map { replyFor($0) } ?? curlMessage));"
                + " check the username and the password file"
            if let code, (400..<500).contains(code) { return .temporaryFailure(code: code, reply: text) }
            return .permanentFailure(code: code, reply: text)
        }
        if setupCodes.contains(curlCode) {
            return .permanentFailure(code: nil, reply: "libcurl cannot send this way (\(curlMessage))")
        }
        if context.bodyComplete {
            if let code = context.replyAfterBody, (400..<600).contains(code) {
                return code < 500
                    ? .temporaryFailure(code: code, reply: replyFor(code))
                    : .permanentFailure(code: code, reply: replyFor(code))
            }
            let seconds = configuration.finalReplyTimeout.components.seconds
            let why =
                context.abort == .finalReplyTimeout
                ? "no reply to the final dot within \(seconds) s"
                : "the connection failed after the whole message was sent, before the final reply (\(curlMessage))"
            return .uncertain(reason: why + "; the server may or may not have accepted it: do not resend blindly")
        }
        if (400..<600).contains(responseCode) {
            return responseCode < 500
                ? .temporaryFailure(code: responseCode, reply: replyFor(responseCode))
                : .permanentFailure(code: responseCode, reply: replyFor(responseCode))
        }
        if context.abort == .commandTimeout {
            let seconds = configuration.commandTimeout.components.seconds
            let waiting = context.lastCommand.map { "the reply to \($0)" } ?? "the greeting"
            return .temporaryFailure(code: nil, reply: "timed out after \(seconds) s waiting for \(waiting)")
        }
        switch curlCode {
        case CURLE_COULDNT_CONNECT:
            return .temporaryFailure(code: nil, reply: "could not connect to the SMTP server (\(curlMessage))")
        case CURLE_COULDNT_RESOLVE_HOST:
            return .temporaryFailure(code: nil, reply: "could not resolve the SMTP server's name (\(curlMessage))")
        case CURLE_OPERATION_TIMEDOUT:
            return .temporaryFailure(code: nil, reply: "timed out (\(curlMessage))")
        case CURLE_SSL_CONNECT_ERROR:
            return .temporaryFailure(code: nil, reply: "the TLS handshake failed (\(curlMessage))")
        default:
            return .temporaryFailure(
                code: nil, reply: "the SMTP session failed before the message was sent (\(curlMessage))")
        }
    }
}
