import Foundation
import PalsTestKit
import Testing

/// A workspace made by the real `pals init`, with `pals serve` running on a free loopback port.
final class WebTestServer: @unchecked Sendable {
    let folder: TemporaryFolder
    let port: Int
    let process: RunningProcess
    var workspace: String { folder.appending("ws").path }
    var base: String { "http://127.0.0.1:\(port)" }

    /// The fixed time of the tests' clock.
    static let now = "2026-11-25T09:00:00Z"

    /// Makes the workspace, lets `prepare` change it (e.g. pals.yaml), then starts the server and waits until
    /// `/healthz` answers.
    init(prepare: (URL) throws -> Void = { _ in }) async throws {
        folder = try TemporaryFolder("web")
        let made = try await ProcessRunner.palsOffPool(["init", folder.appending("ws").path])
        precondition(made.status == 0, "pals init failed: \(made)")
        try prepare(folder.appending("ws"))
        port = try freePort()
        process = try ProcessRunner.start(
            ProcessRunner.palsBinary,
            ["serve", "--workspace", folder.appending("ws").path, "--listen", "127.0.0.1:\(port)"],
            environment: ["PALS_NOW": Self.now])
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if process.process.isRunning == false { break }
            if let answer = try? await get("/healthz"), answer.status == 200 { return }
            try? await Task.sleep(for: .milliseconds(50))
        }
        let result = await stopped()
        throw TestSetupError(description: "pals serve did not answer /healthz: \(result)")
    }

    /// Stops the server (SIGTERM) and returns what it printed.
    @discardableResult
    func stopped() async -> ProcessResult {
        if process.process.isRunning { kill(process.process.processIdentifier, SIGTERM) }
        return await process.waitOffPool()
    }

    /// Stops the server and removes the workspace.
    func finish() async {
        await stopped()
        folder.remove()
    }

    /// For a `defer`: sends SIGTERM now; the wait for the exit and the removal of the workspace happen on a
    /// Dispatch thread, so the test's thread is not blocked.
    func stop() {
        if process.process.isRunning { kill(process.process.processIdentifier, SIGTERM) }
        let process = self.process
        let folder = self.folder
        DispatchQueue.global().async {
            _ = process.wait()
            folder.remove()
        }
    }

    /// Runs `pals` on the workspace with the tests' clock.
    func pals(_ arguments: [String], input: Data? = nil) async throws -> ProcessResult {
        try await ProcessRunner.palsOffPool(
            arguments + ["--workspace", workspace], input: input, environment: ["PALS_NOW": Self.now])
    }

    /// Makes a token and returns it.
    func token(_ name: String, scope: String) async throws -> String {
        let result = try await pals(["token", "add", name, "--scope", scope])
        #expect(result.status == 0, "\(result)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func get(_ path: String, token: String? = nil) async throws -> HTTPAnswer {
        try await request("GET", path, token: token)
    }

    func post(
        _ path: String, json: Data?, token: String? = nil, headers: [String: String] = [:],
        contentType: String? = "application/json"
    ) async throws -> HTTPAnswer {
        try await request("POST", path, body: json, token: token, headers: headers, contentType: contentType)
    }

    /// One request with curl (off the cooperative pool); a `nil` content type sends none at all.
    func request(
        _ method: String, _ path: String, body: Data? = nil, token: String? = nil, headers: [String: String] = [:],
        contentType: String? = "application/json"
    ) async throws -> HTTPAnswer {
        let scratch = folder.appending("curl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var arguments = [
            "-sS", "-X", method, "-o", scratch.appending(path: "body").path, "-D", scratch.appending(path: "head").path,
            "--max-time", "60", "--path-as-is", "-H", "Expect:",
        ]
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        for (name, value) in headers { arguments += ["-H", "\(name): \(value)"] }
        if let body {
            try body.write(to: scratch.appending(path: "request"))
            arguments += ["--data-binary", "@" + scratch.appending(path: "request").path]
            arguments += ["-H", contentType.map { "Content-Type: \($0)" } ?? "Content-Type:"]
        }
        arguments.append(base + path)
        let result = try await ProcessRunner.runOffPool("/usr/bin/curl", arguments)
        guard result.status == 0 else { throw TestSetupError(description: "curl failed: \(result)") }
        let head = try String(contentsOf: scratch.appending(path: "head"), encoding: .utf8)
        let body = (try? Data(contentsOf: scratch.appending(path: "body"))) ?? Data()
        return HTTPAnswer(head: head, body: body)
    }
}

/// A response as curl saw it.
struct HTTPAnswer: CustomStringConvertible {
    let status: Int
    let headers: [String: String]
    let body: Data

    init(head: String, body: Data) {
        let lines = head.split(whereSeparator: \.isNewline)
        status = lines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        self.headers = headers
        self.body = body
    }

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    var description: String { "HTTP \(status) \(headers)\n\(text.prefix(2000))" }
}

/// A TCP port nothing listens on now (the kernel's choice for port 0).
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestSetupError(description: "socket failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    guard bound == 0 else { throw TestSetupError(description: "bind failed") }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
