import Foundation
import PalsTestKit
import Testing

/// A response with every header line kept (a page may set two cookies).
struct AppAnswer: CustomStringConvertible {
    let status: Int
    let headerLines: [(name: String, value: String)]
    let body: Data

    var text: String { String(decoding: body, as: UTF8.self) }
    func header(_ name: String) -> String? { headerLines.first { $0.name == name.lowercased() }?.value }
    var setCookies: [String] { headerLines.filter { $0.name == "set-cookie" }.map(\.value) }
    var description: String { "HTTP \(status) \(headerLines)\n\(text.prefix(1500))" }

    /// The value of the page's hidden CSRF field.
    var csrfToken: String? {
        guard let range = text.range(of: "name=\"csrfToken\" value=\"") else { return nil }
        return String(text[range.upperBound...].prefix { $0 != "\"" })
    }
}

/// A browser as curl: sends the cookies it was given (as a browser sends SameSite=Strict cookies to the same
/// site), and form posts with the headers a same-origin form post carries unless told otherwise.
final class AppBrowserClient: @unchecked Sendable {
    let server: WebTestServer
    var cookies: [String: String] = [:]

    init(_ server: WebTestServer) { self.server = server }

    func get(_ path: String) async throws -> AppAnswer { try await send("GET", path) }

    /// A form post; `fields` are URL-encoded in order.
    func post(_ path: String, _ fields: [(String, String)], headers: [String: String] = [:]) async throws -> AppAnswer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.map {
            "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)="
                + $0.1.addingPercentEncoding(withAllowedCharacters: allowed)!
        }.joined(separator: "&")
        return try await send("POST", path, body: Data(body.utf8), headers: headers)
    }

    /// Signs in as `name`; returns the answer to the sign-in post.
    @discardableResult
    func signIn(_ name: String, password: String) async throws -> AppAnswer {
        let page = try await get("/app/sign-in")
        let token = try #require(page.csrfToken)
        return try await post("/app/sign-in", [("csrfToken", token), ("name", name), ("password", password)])
    }

    func send(_ method: String, _ path: String, body: Data? = nil, headers: [String: String] = [:]) async throws
        -> AppAnswer
    {
        let scratch = server.folder.appending("curl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var arguments = [
            "-sS", "-X", method, "-o", scratch.appending(path: "body").path, "-D", scratch.appending(path: "head").path,
            "--max-time", "60", "--path-as-is", "-H", "Expect:",
        ]
        if !cookies.isEmpty {
            arguments += [
                "-H",
                "Cookie: "
                    + cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                    .joined(separator: "; "),
            ]
        }
        var sent = headers
        if method == "POST", sent["Origin"] == nil, sent["Sec-Fetch-Site"] == nil {
            sent["Origin"] = server.base
            sent["Sec-Fetch-Site"] = "same-origin"
        }
        for (name, value) in sent { arguments += ["-H", "\(name): \(value)"] }
        if let body {
            try body.write(to: scratch.appending(path: "request"))
            arguments += ["--data-binary", "@" + scratch.appending(path: "request").path]
            arguments += ["-H", "Content-Type: application/x-www-form-urlencoded"]
        }
        arguments.append(server.base + path)
        let result = try await ProcessRunner.runOffPool("/usr/bin/curl", arguments)
        guard result.status == 0 else { throw TestSetupError(description: "curl failed: \(result)") }
        let head = try String(contentsOf: scratch.appending(path: "head"), encoding: .utf8)
        let lines = head.split(whereSeparator: \.isNewline)
        let status = lines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        var headerLines: [(String, String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headerLines.append(
                (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        let answer = AppAnswer(
            status: status, headerLines: headerLines,
            body: (try? Data(contentsOf: scratch.appending(path: "body"))) ?? Data())
        for cookie in answer.setCookies {
            let pair = cookie.split(separator: ";").first.map(String.init) ?? ""
            guard let equals = pair.firstIndex(of: "=") else { continue }
            let name = String(pair[..<equals])
            let value = String(pair[pair.index(after: equals)...])
            if value.isEmpty || cookie.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        return answer
    }
}

/// The password of the test accounts.
let appTestPassword = "correct horse battery staple"

extension WebTestServer {
    /// A server whose workspace has two teams (alex in north, sam in south) and the accounts alex and sam
    /// (officers) and morgan (manager); `configure` may change pals.yaml's text further.
    static func withAccounts(configure: @escaping (String) -> String = { $0 }) async throws -> WebTestServer {
        let server = try await WebTestServer { folder in
            let config = folder.appending(path: "pals.yaml")
            var text = try String(contentsOf: config, encoding: .utf8)
            text = text.replacingOccurrences(of: "  - id: alex\n", with: "  - id: alex\n    team: north\n")
            text = text.replacingOccurrences(of: "  - id: sam\n", with: "  - id: sam\n    team: south\n")
            text = configure(text)
            try text.write(to: config, atomically: true, encoding: .utf8)
            try Data((appTestPassword + "\n").utf8).write(to: folder.appending(path: "password"))
        }
        let passwordFile = server.folder.appending("ws/password").path
        for (name, role) in [("alex", "officer"), ("sam", "officer"), ("morgan", "manager")] {
            let added = try await server.pals(["user", "add", name, "--role", role, "--password-file", passwordFile])
            #expect(added.status == 0, "\(added)")
        }
        return server
    }

    /// Logs the example complaint for `officer` through the CLI; returns its reference.
    func logCase(officer: String) async throws -> String {
        let example = try Data(
            contentsOf: URL(filePath: #filePath).deletingLastPathComponent()
                .appending(path: "../../Examples/complaint.json"))
        var object = try #require(try JSONSerialization.jsonObject(with: example) as? [String: Any])
        object["officer"] = officer
        object["received"] = "2026-11-23"
        let result = try await pals(
            ["case", "new", "--file", "-"], input: try JSONSerialization.data(withJSONObject: object))
        #expect(result.status == 0, "\(result)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
