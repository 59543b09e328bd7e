internal import CCurl
internal import CCurlShim
internal import Dispatch
internal import Foundation
package import Logging

/// What `SMTPProbe` found out about a server.
package struct SMTPProbeReport: Sendable, Hashable {
    /// A certificate the server presented, as libcurl describes it.
    package struct Certificate: Sendable, Hashable {
        /// The subject, such as `CN = mail.example.org`.
        package let subject: String?
        /// The issuer.
        package let issuer: String?
        /// When it became valid.
        package let validFrom: String?
        /// When it expires.
        package let expires: String?
    }

    /// Whether the SMTP login worked.
    package enum Authentication: Sendable, Hashable {
        /// No credentials were configured.
        case notConfigured
        /// The server accepted the credentials.
        case succeeded
        /// The server refused them, with its reply.
        case refused(reply: String)
        /// The server does not offer AUTH, so nothing was tried.
        case notOffered
    }

    /// The URL libcurl connected to.
    package let url: String
    /// The server's greeting line(s).
    package let greeting: String?
    /// Whether the session ran over TLS (STARTTLS or implicit).
    package let tls: Bool
    /// The TLS version, such as `TLSv1.3`, when libcurl said it.
    package let tlsVersion: String?
    /// The cipher, such as `TLS_AES_256_GCM_SHA384`, when libcurl said it.
    package let cipher: String?
    /// The certificate chain, server first.
    package let certificates: [Certificate]
    /// The EHLO extensions offered (after STARTTLS when TLS is used), such as `SIZE 10240000` or `AUTH PLAIN LOGIN`.
    package let extensions: [String]
    /// Whether the login worked.
    package let authentication: Authentication
}

/// Checks an SMTP server without sending mail: TLS, certificate, EHLO extensions and AUTH (`pals smtp check`).
package enum SMTPProbe {
    /// Connects as a delivery would (same TLS rules), logs in if credentials are set, sends NOOP and QUIT.
    /// - Throws: ``MailError/Code/probeFailed`` when the server cannot be reached or TLS fails, with the reason;
    ///   ``MailError/Code/insecureConfiguration`` before connecting when the settings are unsafe.
    /// - Parameters:
    ///   - logger: where the check's outcome goes (the error's log form, never the URL or a reply); by default
    ///     nowhere.
    package static func check(
        _ configuration: SMTPConfiguration,
        logger: Logger = Logger(label: "pals.mail.smtp", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws(MailError) -> SMTPProbeReport {
        let plan = try configuration.plan()
        let queue = DispatchQueue(label: "pals.mail.smtp-probe")
        let result: Result<SMTPProbeReport, MailError> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(MailError) {
                    continuation.resume(returning: .success(try run(plan)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        switch result {
        case .success(let report):
            logger.debug("smtp check passed", metadata: ["smtp.tls": "\(report.tls)"])
            return report
        case .failure(let error):
            logger.notice("smtp check failed", metadata: ["error": "\(error)"])
            throw error
        }
    }

    private static func run(_ plan: SMTPPlan) throws(MailError) -> SMTPProbeReport {
        let easy = try CurlEasy(plan: plan, certificateInfo: true)
        let configuration = plan.configuration
        let context = TransferContext(
            body: Data(), commandTimeout: configuration.commandTimeout,
            finalReplyTimeout: configuration.finalReplyTimeout, redactor: easy.redactor)
        context.keepsInfo = true
        let handle = easy.handle
        defer { easy.detach() }
        var codes = easy.attach(context)
        codes.append(ccurl_setopt_long(handle, CURLOPT_UPLOAD, 0))
        // With no recipient and no upload, libcurl's SMTP sends the custom request as a plain command.
        codes.append(ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, "NOOP"))
        if let failed = codes.first(where: { $0 != CURLE_OK }) {
            throw MailError(.curl, reason: "libcurl refused an option: \(String(cString: curl_easy_strerror(failed)))")
        }
        let code = curl_easy_perform(handle)
        if code != CURLE_OK { easy.abandonConnection() }

        let authentication: SMTPProbeReport.Authentication
        let extensions = (context.ehloReply ?? []).dropFirst().map { String($0.dropFirst(4)) }
        if configuration.credentials == nil {
            authentication = .notConfigured
        } else if code == CURLE_LOGIN_DENIED || code == CURLE_AUTH_ERROR {
            authentication = .refused(reply: context.replyText ?? easy.curlMessage(code))
        } else if context.authAnswered == 235 {
            authentication = .succeeded
        } else {
            authentication = .notOffered
        }
        if code != CURLE_OK && code != CURLE_LOGIN_DENIED && code != CURLE_AUTH_ERROR {
            var responseCode = 0  // stays 0 ("no reply") when libcurl cannot say
            _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &responseCode)
            let outcome = CurlEasy.classify(
                curlCode: code, responseCode: responseCode, context: context, curlMessage: easy.curlMessage(code),
                configuration: configuration)
            let reason: String
            switch outcome {
            case .temporaryFailure(_, let reply), .permanentFailure(_, let reply): reason = reply
            case .uncertain(let text): reason = text
            case .delivered(let reply): reason = reply
            }
            throw MailError(.probeFailed, field: "url", value: configuration.url, reason: reason)
        }

        var version: String?
        var cipher: String?
        for line in context.info where line.hasPrefix("SSL connection using ") {
            let parts = line.dropFirst("SSL connection using ".count).components(separatedBy: " / ")
            version = parts.first
            cipher = parts.count > 1 ? parts[1] : nil
        }
        // Every line from the server was redacted as it arrived (TransferContext.received); the report holds
        // nothing else the server chose.
        return SMTPProbeReport(
            url: plan.curlURL, greeting: context.greeting?.joined(separator: " "), tls: plan.useTLS,
            tlsVersion: version, cipher: cipher, certificates: certificates(handle), extensions: extensions,
            authentication: authentication)
    }

    private static func certificates(_ handle: UnsafeMutableRawPointer) -> [SMTPProbeReport.Certificate] {
        var info: UnsafeMutablePointer<curl_certinfo>?
        guard ccurl_getinfo_certinfo(handle, &info) == CURLE_OK, let info, let lists = info.pointee.certinfo else {
            return []
        }
        return (0..<Int(info.pointee.num_of_certs)).map { index in
            var fields: [String: String] = [:]
            var node = lists[index]
            while let current = node {
                let entry = String(cString: current.pointee.data)
                if let colon = entry.firstIndex(of: ":") {
                    fields[String(entry[..<colon])] = String(entry[entry.index(after: colon)...])
                }
                node = current.pointee.next
            }
            return SMTPProbeReport.Certificate(
                subject: fields["Subject"], issuer: fields["Issuer"], validFrom: fields["Start date"],
                expires: fields["Expire date"])
        }
    }
}
