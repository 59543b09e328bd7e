package import Foundation

/// `http.tls`: the certificate and private key `pals serve` speaks HTTPS with, so no reverse proxy is needed.
///
/// Both are PEM files; a relative path is under the workspace. The files are read when the server starts (and
/// when the daemon starts): a renewed certificate is picked up by restarting it.
package struct HTTPTLSFiles: Sendable, Equatable {
    /// `http.tls.certificate`: the server's certificate, followed by any intermediate certificates.
    package var certificate: String
    /// `http.tls.key`: the certificate's private key, unencrypted, readable by its owner only.
    package var key: String

    package init(certificate: String, key: String) {
        self.certificate = certificate
        self.key = key
    }

    /// The certificate file, a relative path taken under `root` (the workspace).
    package func certificateURL(in root: URL) -> URL { Self.resolve(certificate, in: root) }
    /// The key file, a relative path taken under `root` (the workspace).
    package func keyURL(in root: URL) -> URL { Self.resolve(key, in: root) }

    private static func resolve(_ path: String, in root: URL) -> URL {
        path.hasPrefix("/") ? URL(filePath: path) : root.appending(path: path)
    }

    /// What is wrong with the two files, each an error naming the setting and what to do: missing, a link to
    /// nothing, not a regular file, unreadable, not PEM, or (the key) readable by group or others.
    package func problems(in root: URL) -> [ConfigurationFinding] {
        var findings: [ConfigurationFinding] = []
        if let problem = Self.fileProblem(certificateURL(in: root).path, isKey: false) {
            findings.append(.init(severity: .error, key: "http.tls.certificate", message: problem))
        }
        if let problem = Self.fileProblem(keyURL(in: root).path, isKey: true) {
            findings.append(.init(severity: .error, key: "http.tls.key", message: problem))
        }
        return findings
    }

    /// Why the file at `path` cannot serve as the certificate (or the key), or nil. Links are followed (Let's
    /// Encrypt's `live/` folder is links), so a link is judged by the file it leads to.
    private static func fileProblem(_ path: String, isKey: Bool) -> String? {
        var target = stat()
        var link = stat()
        guard stat(path, &target) == 0 else {
            if lstat(path, &link) == 0, (link.st_mode & S_IFMT) == S_IFLNK {
                let destination = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
                return "\(path) is a link to \(destination), which does not exist"
            }
            return "\(path) does not exist"
        }
        let kind = target.st_mode & S_IFMT
        guard kind == S_IFREG else {
            return "\(path) is \(kind == S_IFDIR ? "a folder" : "not a regular file"): name the PEM file itself"
        }
        if isKey, target.st_mode & 0o077 != 0 {
            let mode = String(target.st_mode & 0o777, radix: 8)
            return "\(path) can be read by group or others (mode \(mode)): run chmod 600 \(path)"
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return "\(path) cannot be read by this user: the server must be able to read it"
        }
        let text = String(decoding: data.prefix(1_048_576), as: UTF8.self)
        if isKey {
            if text.contains("ENCRYPTED") {
                return "\(path) is protected by a passphrase, which pals cannot ask for: store the key without one"
                    + " (openssl pkey -in OLD -out NEW) and chmod 600 it"
            }
            guard text.contains("-----BEGIN") && text.contains("PRIVATE KEY-----") else {
                return "\(path) is not a PEM private key (it should begin -----BEGIN PRIVATE KEY-----)"
            }
        } else if !text.contains("-----BEGIN CERTIFICATE-----") {
            return "\(path) is not a PEM certificate (it should begin -----BEGIN CERTIFICATE-----)"
        }
        return nil
    }
}
