package import Foundation
import Glibc

/// A real Dovecot IMAP server for tests (Debian `dovecot-imapd`): `dovecot -c FILE -F` with its own configuration,
/// a passwd-file user and a Maildir in a temporary folder, on a free port. Mail is delivered by writing into the
/// Maildir (`tmp/`, then renamed into `new/`), as a delivery agent would.
///
/// Dovecot's login and auth processes run as its own users, so the folder is made world-searchable and the passwd
/// file world-readable; the mail user is the test's own uid (or `nobody` when the tests run as root, as Dovecot
/// never serves mail as root).
package final class DovecotTestServer: @unchecked Sendable {
    /// How the server offers TLS.
    package enum Security: Sendable {
        /// No TLS at all (`ssl = no`): loopback only.
        case plain
        /// Implicit TLS on the port (imaps), with a throwaway certificate for localhost and 127.0.0.1.
        case implicitTLS
        /// STARTTLS offered on the plain port, with the throwaway certificate.
        case startTLS
    }

    /// The test's folder: configuration, passwd file, Maildir, logs.
    package let folder: URL
    /// The address the server listens on.
    package let host: String
    package let port: Int
    package let username = "pals-team"
    package let password: String
    package let security: Security
    /// The certificate's PEM file (a CA file for the client), when the server speaks TLS.
    package let certificateFile: String?
    private let process: Process
    private let mailUID: uid_t
    private let mailGID: gid_t

    private init(
        folder: URL, host: String, port: Int, password: String, security: Security, certificateFile: String?,
        process: Process, mailUID: uid_t, mailGID: gid_t
    ) {
        self.folder = folder
        self.host = host
        self.port = port
        self.password = password
        self.security = security
        self.certificateFile = certificateFile
        self.process = process
        self.mailUID = mailUID
        self.mailGID = mailGID
    }

    /// Starts a server on a free port of `host` and waits until it accepts connections.
    package static func start(
        security: Security = .plain, host: String = "127.0.0.1", password: String = "Corr3ct-h0rse-battery"
    ) async throws -> DovecotTestServer {
        try await offPool { try startBlocking(security: security, host: host, password: password) }
    }

    private static func startBlocking(security: Security, host: String, password: String) throws -> DovecotTestServer {
        let folder = URL(filePath: NSTemporaryDirectory()).appending(
            path: "pals-dovecot-\(UUID().uuidString.prefix(8))")
        for name in ["", "run", "state", "mail"] {
            try FileManager.default.createDirectory(at: folder.appending(path: name), withIntermediateDirectories: true)
        }
        chmod(folder.path, 0o711)
        let (uid, gid): (uid_t, gid_t) = getuid() == 0 ? (65534, 65534) : (getuid(), getgid())
        let mail = folder.appending(path: "mail").path
        chown(mail, uid, gid)
        chmod(mail, 0o755)
        let passwd = folder.appending(path: "passwd").path
        try "pals-team:{PLAIN}\(password)\n".write(toFile: passwd, atomically: true, encoding: .utf8)
        chmod(passwd, 0o644)
        var certificateFile: String?
        var sslLines = "ssl = no\n"
        if security != .plain {
            let cert = folder.appending(path: "cert.pem").path
            let key = folder.appending(path: "key.pem").path
            try runBlocking(
                "/usr/bin/openssl",
                [
                    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                    "-subj", "/CN=localhost/O=pals test", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                ])
            chmod(key, 0o644)
            certificateFile = cert
            sslLines = "ssl = yes\nssl_cert = <\(cert)\nssl_key = <\(key)\n"
        }
        let port = try freePort(host: host)
        let imapPort = security == .implicitTLS ? 0 : port
        let imapsPort = security == .implicitTLS ? port : 0
        let configuration = """
            protocols = imap
            listen = \(host)
            base_dir = \(folder.path)/run
            state_dir = \(folder.path)/state
            log_path = \(folder.path)/dovecot.log
            \(sslLines)
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            first_valid_uid = \(min(uid, 500))
            first_valid_gid = \(min(gid, 500))
            mail_location = maildir:\(mail)/%u
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u \(passwd)
            }
            userdb {
              driver = static
              args = uid=\(uid) gid=\(gid) home=\(mail)/%u
            }
            service imap-login {
              inet_listener imap {
                address = \(host)
                port = \(imapPort)
              }
              inet_listener imaps {
                address = \(host)
                port = \(imapsPort)
                ssl = yes
              }
            }
            """
        let configurationFile = folder.appending(path: "dovecot.conf").path
        try configuration.write(toFile: configurationFile, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(filePath: "/usr/sbin/dovecot")
        process.arguments = ["-c", configurationFile, "-F"]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let server = DovecotTestServer(
            folder: folder, host: host, port: port, password: password, security: security,
            certificateFile: certificateFile, process: process, mailUID: uid, mailGID: gid)
        try server.makeFolder("INBOX")
        let deadline = Date().addingTimeInterval(20)
        while !canConnect(host: host, port: port) {
            guard process.isRunning, Date() < deadline else {
                let log = (try? String(contentsOf: folder.appending(path: "dovecot.log"), encoding: .utf8)) ?? ""
                server.stopBlocking()
                throw TestSetupError(description: "dovecot did not start on \(host):\(port): \(log)")
            }
            usleep(20_000)
        }
        return server
    }

    /// `imap://127.0.0.1:PORT` (or `imaps://` for implicit TLS); `hostName` replaces the address (`localhost`).
    package func url(hostName: String? = nil) -> String {
        "\(security == .implicitTLS ? "imaps" : "imap")://\(hostName ?? host):\(port)"
    }

    /// The Maildir folder of an IMAP folder (`INBOX` is the Maildir's root).
    package func maildir(_ imapFolder: String = "INBOX") -> URL {
        let root = folder.appending(path: "mail/\(username)")
        return imapFolder == "INBOX" ? root : root.appending(path: ".\(imapFolder)")
    }

    /// Makes an IMAP folder's Maildir (`cur`, `new`, `tmp`), owned by the mail user.
    package func makeFolder(_ imapFolder: String) throws {
        let root = folder.appending(path: "mail/\(username)").path
        for path in [root, maildir(imapFolder).path]
            + ["cur", "new", "tmp"].map({ maildir(imapFolder).appending(path: $0).path })
        {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            chown(path, mailUID, mailGID)
            chmod(path, 0o700)
        }
    }

    /// Delivers a message: written into `tmp/`, then renamed into `new/` (seen at the next SELECT).
    @discardableResult
    package func deliver(_ raw: Data, to imapFolder: String = "INBOX") throws -> String {
        let name = "\(Int(Date().timeIntervalSince1970)).\(UUID().uuidString.prefix(12)).pals-test"
        let temporary = maildir(imapFolder).appending(path: "tmp/\(name)").path
        try raw.write(to: URL(filePath: temporary))
        chown(temporary, mailUID, mailGID)
        chmod(temporary, 0o600)
        guard rename(temporary, maildir(imapFolder).appending(path: "new/\(name)").path) == 0 else {
            throw TestSetupError(description: "could not deliver into the Maildir: errno \(errno)")
        }
        return name
    }

    /// A plain test message with this Message-ID (nil: none at all) and body.
    package static func message(id: String?, subject: String = "A complaint", body: String = "Hello.") -> Data {
        var text = "From: Ada Example <ada@example.org>\r\nTo: pals@example.nhs.uk\r\n"
        if let id { text += "Message-ID: <\(id)>\r\n" }
        text += "Subject: \(subject)\r\nDate: Tue, 1 Dec 2026 10:00:00 +0000\r\n\r\n\(body)\r\n"
        return Data(text.utf8)
    }

    /// The Maildir file names of the messages in an IMAP folder (`new/` and `cur/`).
    package func files(in imapFolder: String = "INBOX") -> [String] {
        ["new", "cur"].flatMap { sub in
            (try? FileManager.default.contentsOfDirectory(atPath: maildir(imapFolder).appending(path: sub).path)) ?? []
        }
    }

    /// How many messages in the folder carry the `\Seen` flag (Maildir's `S` in `:2,` info).
    package func seenCount(in imapFolder: String = "INBOX") -> Int {
        files(in: imapFolder).filter { name in
            guard let info = name.range(of: ":2,") else { return false }
            return name[info.upperBound...].contains("S")
        }.count
    }

    /// Deletes the folder's messages and Dovecot's index and UID list, so the folder comes back with a new
    /// UIDVALIDITY (as when a mailbox is restored or recreated), then delivers `messages` into it again.
    package func recreateInbox(with messages: [Data]) throws {
        let root = maildir("INBOX")
        for sub in ["cur", "new", "tmp"] {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: root.appending(path: sub).path)) ?? [] {
                try FileManager.default.removeItem(at: root.appending(path: "\(sub)/\(name)"))
            }
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        where name.hasPrefix("dovecot") {
            try FileManager.default.removeItem(at: root.appending(path: name))
        }
        // Dovecot makes UIDVALIDITY from the clock in seconds: wait for the next second so it differs.
        let start = Int(Date().timeIntervalSince1970)
        while Int(Date().timeIntervalSince1970) == start { usleep(20_000) }
        for message in messages { try deliver(message) }
    }

    /// The server's log, for a failing test's message.
    package var log: String { (try? String(contentsOf: folder.appending(path: "dovecot.log"), encoding: .utf8)) ?? "" }

    /// Stops the server (SIGTERM, waited for off the cooperative pool) and removes its folder.
    package func stop() async {
        await offPoolWait { self.stopBlocking() }
    }

    private func stopBlocking() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: folder)
    }

    // MARK: Helpers

    private static func runBlocking(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(filePath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestSetupError(description: "\(executable) failed with status \(process.terminationStatus)")
        }
    }

    /// A port nothing listens on now (bound to 0 and released).
    private static func freePort(host: String) throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw TestSetupError(description: "socket failed") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        inet_pton(AF_INET, host, &address.sin_addr)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw TestSetupError(description: "bind failed: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func canConnect(host: String, port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return result == 0
    }

    /// A non-loopback IPv4 address of this machine, if it has one (to test the TLS rule off loopback).
    package static func nonLoopbackAddress() -> String? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return nil }
        defer { freeifaddrs(list) }
        var node: UnsafeMutablePointer<ifaddrs>? = first
        while let current = node {
            if let address = current.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET) {
                var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
                var inet = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                inet_ntop(AF_INET, &inet, &text, socklen_t(INET_ADDRSTRLEN))
                let name = String(cString: text)
                if !name.hasPrefix("127.") { return name }
            }
            node = current.pointee.ifa_next
        }
        return nil
    }
}
