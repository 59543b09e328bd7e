package import Foundation
import Glibc

/// The folder of shared test scripts (Tests/Support).
package let supportFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Tests/Support")

/// Decodes the Python scripts' snake_case JSON into camelCase properties.
package let snakeCaseDecoder: JSONDecoder = {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return decoder
}()

package struct TestSetupError: Error, CustomStringConvertible {
    package let description: String
    package init(description: String) { self.description = description }
}

/// A fresh temporary folder, removed by the caller.
package func makeTemporaryFolder(_ name: String = "mail-test") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs a program and returns its standard output; throws with its standard error when it fails. The program
/// runs, and is waited for, off the cooperative pool.
@discardableResult
package func runTool(_ executable: String, _ arguments: [String]) async throws -> Data {
    try await offPool { try runToolBlocking(executable, arguments) }
}

private func runToolBlocking(_ executable: String, _ arguments: [String]) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw TestSetupError(
            description: "\(executable) \(arguments.joined(separator: " ")) failed: "
                + String(decoding: errorData, as: UTF8.self))
    }
    return data
}

/// A self-signed certificate for 127.0.0.1 and localhost, made with `openssl req -x509` at test time.
package struct TestCertificate {
    package let certificate: String
    package let key: String

    package static func make(in folder: URL) async throws -> TestCertificate {
        let cert = folder.appendingPathComponent("cert.pem").path
        let key = folder.appendingPathComponent("key.pem").path
        try await runTool(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                "-subj", "/CN=localhost/O=pals test", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            ])
        return TestCertificate(certificate: cert, key: key)
    }
}

/// What the aiosmtpd server saved about one message.
package struct ReceivedMessage: Decodable {
    package let mailFrom: String
    package let rcptTos: [String]
    package let connection: Int
    package let tls: Bool
    package let authUser: String?
    package let size: Int
    package var data = Data()

    enum CodingKeys: String, CodingKey { case mailFrom, rcptTos, connection, tls, authUser, size }
}

/// Tests/Support/smtp_server.py (aiosmtpd) running on a free loopback port as a subprocess.
package final class SMTPTestServer: @unchecked Sendable {
    // @unchecked: the process is only stopped by stop(); everything else is immutable or read from files.
    package let port: Int
    package let folder: URL
    package let mailFolder: URL
    private let process: Process

    /// Starts the server and waits (polling, 15 s deadline) until it has written its ready file.
    package init(_ arguments: [String] = []) async throws {
        folder = try makeTemporaryFolder("smtp-server")
        mailFolder = folder.appendingPathComponent("mail")
        let ready = folder.appendingPathComponent("ready.json")
        let log = folder.appendingPathComponent("server.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments =
            [
                supportFolder.appendingPathComponent("smtp_server.py").path, "--mail-dir", mailFolder.path,
                "--ready-file", ready.path,
            ] + arguments
        let logHandle = try FileHandle(forWritingTo: log)
        process.standardOutput = logHandle
        process.standardError = logHandle
        try process.run()

        let deadline = ContinuousClock.now + .seconds(15)
        while true {
            if let data = try? Data(contentsOf: ready),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let port = object["port"] as? Int
            {
                self.port = port
                return
            }
            if !process.isRunning {
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                throw TestSetupError(
                    description: "the aiosmtpd test server exited (is python3-aiosmtpd installed?):\n\(text)")
            }
            if ContinuousClock.now > deadline {
                process.terminate()
                throw TestSetupError(description: "the aiosmtpd test server was not ready within 15 s")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// `smtp://127.0.0.1:PORT`, or smtps:// for implicit TLS.
    package func url(_ scheme: String = "smtp") -> String { "\(scheme)://127.0.0.1:\(port)" }

    /// How many connections the server accepted.
    package var connections: Int {
        let text = (try? String(contentsOf: mailFolder.appendingPathComponent("connections"), encoding: .utf8)) ?? "0"
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// Every RCPT address the server was sent, accepted or not.
    package var rcptAddresses: [String] {
        let text = (try? String(contentsOf: mailFolder.appendingPathComponent("events.jsonl"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                object["event"] as? String == "rcpt"
            else { return nil }
            return object["address"] as? String
        }
    }

    /// How many events of `kind` (`connect`, `rcpt`, `message`, `drop`, `data-reply`, `auth-echo`) were recorded.
    package func eventCount(_ kind: String) -> Int {
        let text = (try? String(contentsOf: mailFolder.appendingPathComponent("events.jsonl"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["event"] as? String == kind
        }.count
    }

    /// The messages saved so far, in the order received.
    package func messages() throws -> [ReceivedMessage] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: mailFolder.path)) ?? []
        return try names.filter { $0.hasPrefix("msg-") && $0.hasSuffix(".json") }.sorted().map { name in
            let json = mailFolder.appendingPathComponent(name)
            var message = try snakeCaseDecoder.decode(ReceivedMessage.self, from: Data(contentsOf: json))
            message.data = try Data(contentsOf: json.deletingPathExtension().appendingPathExtension("eml"))
            return message
        }
    }

    /// The Message-IDs of every complete message received, with how many times each came.
    package func receivedMessageIDs() -> [String: Int] {
        var counts: [String: Int] = [:]
        let names = (try? FileManager.default.contentsOfDirectory(atPath: mailFolder.path)) ?? []
        for name in names where name.hasSuffix(".json") && name.hasPrefix("msg-") {
            let eml = mailFolder.appendingPathComponent(String(name.dropLast(5)) + ".eml")
            guard let data = FileManager.default.contents(atPath: eml.path) else { continue }
            counts[messageID(in: data) ?? "(none)", default: 0] += 1
        }
        return counts
    }

    /// The path of the n-th saved message (from 1).
    package func messagePath(_ number: Int) -> String {
        mailFolder.appendingPathComponent(String(format: "msg-%04d.eml", number)).path
    }

    /// Stops the server: SIGTERM, then SIGKILL if it has not exited within a second (it waits for open
    /// connections, and a transport may keep one). The wait runs on a Dispatch thread, never on the cooperative pool.
    package func stop() async {
        let (process, folder) = (self.process, self.folder)
        await offPoolWait { Self.stop(process, removing: folder) }
    }

    /// Stops the server without waiting: for a sync context (a `defer`, `deinit`) where `await stop()` cannot be
    /// used. The signals, the wait and the clean-up run on a Dispatch thread.
    package func stopInBackground() {
        let (process, folder) = (self.process, self.folder)
        DispatchQueue.global().async { Self.stop(process, removing: folder) }
    }

    private static func stop(_ process: Process, removing folder: URL) {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(1)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: folder)
    }

    /// The last resort, when no test stopped the server.
    deinit { stopInBackground() }
}

/// Runs `body` with a started aiosmtpd server, and stops the server afterwards (awaiting it, off the pool).
package func withSMTPServer<T>(
    _ arguments: [String] = [], _ body: (SMTPTestServer) async throws -> T
) async throws -> T {
    let server = try await SMTPTestServer(arguments)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}

/// A message as Python's `email` package (policy=default) sees it, from Tests/Support/smtp_parse.py.
package struct ParsedMessage: Decodable {
    package struct Address: Decodable, Equatable {
        package let displayName: String
        package let addrSpec: String

        package init(displayName: String, addrSpec: String) {
            self.displayName = displayName
            self.addrSpec = addrSpec
        }
    }

    package struct Part: Decodable {
        package let contentType: String
        package let charset: String?
        package let transferEncoding: String?
        package let filename: String?
        package let legacyFilename: String?
        package let text: String?
        package let size: Int?
        package let savedAs: String?
    }

    package let headerNames: [String]
    package let headers: [String: [String]]
    package let from: [Address]
    package let to: [Address]
    package let cc: [Address]
    package let replyTo: [Address]
    package let defects: [String]
    package let parts: [Part]

    /// Parses the .eml at `path`, saving binary parts into `attachments` if given.
    package static func parse(_ path: String, attachments: URL? = nil) async throws -> ParsedMessage {
        let output = try await runTool(
            "/usr/bin/python3",
            [supportFolder.appendingPathComponent("smtp_parse.py").path, path] + (attachments.map { [$0.path] } ?? []))
        return try snakeCaseDecoder.decode(ParsedMessage.self, from: output)
    }

    /// Parses message bytes (written to a temporary file first).
    package static func parse(_ data: Data, attachments: URL? = nil) async throws -> ParsedMessage {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("parse-\(UUID().uuidString).eml")
        try data.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try await parse(file.path, attachments: attachments)
    }
}

/// The Message-ID header of raw message bytes.
package func messageID(in data: Data) -> String? {
    let text = String(decoding: data.prefix(65536), as: UTF8.self)
    for line in text.components(separatedBy: "\r\n").prefix(while: { !$0.isEmpty }) {
        if line.lowercased().hasPrefix("message-id:") {
            return line.dropFirst("message-id:".count).trimmingCharacters(in: .whitespaces)
        }
    }
    return nil
}
