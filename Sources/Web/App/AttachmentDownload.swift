package import Foundation
import HTTPTypes
package import Hummingbird
import NIOCore

/// How a file someone sent in is handed to a browser: always as a download, never shown by the browser.
///
/// The sender chose the file's name and declared its type, so neither is trusted: the name is cut to a safe
/// form (no path, quote, control character or non-ASCII), the type is `application/octet-stream` unless it is one
/// of a few plain kinds, and the response forbids sniffing and runs anything that is opened in a sandbox.
package enum AttachmentDownload {
    /// The content types passed through as declared; any other is sent as `application/octet-stream`.
    package static let allowedTypes: Set<String> = ["application/pdf", "image/png", "image/jpeg", "text/plain"]

    /// The type to send for a declared `contentType` (parameters and case ignored).
    package static func contentType(declared contentType: String) -> String {
        let bare = contentType.split(separator: ";").first.map(String.init) ?? ""
        let type = bare.trimmingCharacters(in: .whitespaces).lowercased()
        return allowedTypes.contains(type) ? type : "application/octet-stream"
    }

    /// A file name safe in a `Content-Disposition` header and on a disk: the last path component of `name`, with
    /// only ASCII letters, digits, `.`, `-`, `_` and spaces kept (others become `_`), no leading dots, at most 100
    /// characters; `fallback` when nothing is left.
    package static func safeFileName(_ name: String, fallback: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var kept = String(
            last.unicodeScalars.map { scalar -> Character in
                let allowed =
                    scalar.isASCII
                    && (CharacterSet.alphanumerics.contains(scalar) || ".-_ ".unicodeScalars.contains(scalar))
                return allowed ? Character(scalar) : "_"
            })
        while kept.hasPrefix(".") || kept.hasPrefix(" ") { kept.removeFirst() }
        kept = String(kept.prefix(100)).trimmingCharacters(in: .whitespaces)
        return kept.allSatisfy({ $0 == "_" || $0 == "." }) ? fallback : kept
    }

    /// The response carrying `data` as a download named `name`.
    package static func response(_ data: Data, name: String, declaredType: String) -> Response {
        var fields = AppSecurity.headers(contentType: contentType(declared: declaredType))
        fields[.contentDisposition] = "attachment; filename=\"\(name)\""
        // Opened anyway (a browser's "open" of a download), it runs with no script, form or same origin.
        fields[AppSecurity.contentSecurityPolicy] = "sandbox"
        return Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
