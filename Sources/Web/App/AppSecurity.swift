package import Foundation
import HTTPTypes
package import Hummingbird
package import NIOCore

/// The web app's defences that do not depend on who is signed in: response headers, the cross-site check of every
/// form post, cookies, random tokens and the form body reader.
enum AppSecurity {
    /// The session cookie's name.
    static let sessionCookie = "pals_session"
    /// The cookie carrying the sign-in form's CSRF token before anyone is signed in.
    static let signInCookie = "pals_signin"

    /// The Content-Security-Policy of every page: only our own stylesheet, no script at all, no framing.
    static let pagePolicy =
        "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self'; frame-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    /// The policy of a letter shown in the preview frame: the letter's own inline styles, nothing else, framed only
    /// by our own pages, and sandboxed (no script, no forms, no navigation).
    static let letterPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox"

    static let contentSecurityPolicy = HTTPField.Name("Content-Security-Policy")!
    static let contentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let frameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
    static let origin = HTTPField.Name("Origin")!
    static let setCookie = HTTPField.Name("Set-Cookie")!

    /// The headers every app response carries; `framed` for a letter preview shown in our own frame.
    static func headers(contentType: String, framed: Bool = false) -> HTTPFields {
        var fields = HTTPFields()
        fields[.contentType] = contentType
        fields[contentSecurityPolicy] = framed ? letterPolicy : pagePolicy
        fields[contentTypeOptions] = "nosniff"
        fields[frameOptions] = framed ? "SAMEORIGIN" : "DENY"
        // same-origin: a form post keeps its Origin (no-referrer would send "null"); other sites get no referrer.
        fields[referrerPolicy] = "same-origin"
        // Pages carry case data: never kept by a browser or a proxy.
        fields[.cacheControl] = "no-store"
        return fields
    }

    /// A page response.
    static func page(_ html: HTML, status: HTTPResponse.Status = .ok, cookies: [String] = []) -> Response {
        var fields = headers(contentType: "text/html; charset=utf-8")
        for cookie in cookies { fields.append(HTTPField(name: setCookie, value: cookie)) }
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: html.text)))
    }

    /// A redirect after a post (303, so the browser follows with a GET).
    static func redirect(_ location: String, cookies: [String] = []) -> Response {
        var fields = headers(contentType: "text/plain; charset=utf-8")
        fields[.location] = location
        for cookie in cookies { fields.append(HTTPField(name: setCookie, value: cookie)) }
        return Response(status: .seeOther, headers: fields)
    }

    /// A `Set-Cookie` value: always HttpOnly, Secure, SameSite=Strict and Path=/ (invariant 15). Chromium and
    /// Firefox keep a Secure cookie set over plain http from localhost and 127.0.0.1 (a secure context).
    static func cookie(_ name: String, _ value: String, maxAge: Int?) -> String {
        var text = "\(name)=\(value); Path=/; HttpOnly; Secure; SameSite=Strict"
        if let maxAge { text += "; Max-Age=\(maxAge)" }
        return text
    }

    /// A cookie that removes `name`.
    static func clearCookie(_ name: String) -> String { cookie(name, "", maxAge: 0) }

    /// 32 random bytes as URL-safe base64 (256 bits): session ids and CSRF tokens.
    static func randomToken() -> String { HashedSecret.make() }

    /// Compares two tokens in time that does not depend on where they differ.
    static func tokensMatch(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8)
        let right = Array(b.utf8)
        guard left.count == right.count, !left.isEmpty else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }

    /// Why a state-changing request is refused as cross-site, or nil when it came from our own pages: a browser's
    /// `Sec-Fetch-Site` must be `same-origin` (or `none`, typed by the person), and an `Origin` must be the host
    /// the request was sent to.
    static func crossSiteRefusal(_ request: Request) -> String? {
        if let site = request.headers[secFetchSite], site != "same-origin", site != "none" {
            return "it came from another site (\(site))"
        }
        if let origin = request.headers[origin], origin != "null" {
            let host = request.head.authority ?? ""
            guard let url = URL(string: origin), let originHost = url.host else {
                return "its origin could not be read"
            }
            let originAuthority = url.port.map { "\(originHost):\($0)" } ?? originHost
            if originAuthority.lowercased() != host.lowercased() { return "it came from another site" }
        }
        return nil
    }

    /// The fields of an `application/x-www-form-urlencoded` body (a repeated name keeps its last value).
    static func formFields(_ body: ByteBuffer) -> [String: String] {
        let text = String(buffer: body)
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            let name = decode(parts[0])
            guard !name.isEmpty else { continue }
            fields[name] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }
}
