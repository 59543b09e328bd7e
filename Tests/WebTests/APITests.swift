import Foundation
import PalsTestKit
import Testing

/// The example complaint shipped in the repository.
let exampleComplaint = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appending(path: "Examples/complaint.json")

func exampleBody(summary: String? = nil) throws -> Data {
    var text = try String(contentsOf: exampleComplaint, encoding: .utf8)
    if let summary {
        text = text.replacingOccurrences(
            of:
                "INVENTED EXAMPLE: the patient waited six hours in the emergency department and felt the delay was not explained.",
            with: summary)
    }
    return Data(text.utf8)
}

@Suite("The JSON API of pals serve, over real HTTP", .serialized)
struct APITests {
    @Test("a write token creates a case from the case JSON: 201, its Location, the case, and the audit names the token")
    func createAndRead() async throws {
        let server = try await WebTestServer()
        defer { server.stop() }
        let token = try await server.token("website", scope: "write")
        let created = try await server.post("/api/v1/cases", json: try exampleBody(), token: token)
        #expect(created.status == 201, "\(created)")
        #expect(created.headers["location"] == "/api/v1/cases/PALS-2026-0001", "\(created)")
        let reference = (created.json["case"] as? [String: Any])?["reference"] as? String
        #expect(reference == "PALS-2026-0001")
        let shown = try await server.get("/api/v1/cases/PALS-2026-0001", token: token)
        #expect(shown.status == 200, "\(shown)")
        #expect(((shown.json["case"] as? [String: Any])?["officer"] as? String) == "alex")
        #expect(((shown.json["history"] as? [Any])?.count ?? 0) >= 1)
        let audit = try await server.pals(["audit", "PALS-2026-0001", "--json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [[String: Any]])
        #expect(entries.map { $0["action"] as? String } == ["created", "viewed"], "\(audit)")
        #expect(entries.allSatisfy { ($0["actor"] as? [String: Any])?["name"] as? String == "website" })
        let text = try await server.pals(["audit", "PALS-2026-0001"])
        #expect(text.stdout.contains("token:website  created"), "\(text)")
        // The same case as the CLI logs it.
        let cli = try await server.pals(["case", "show", "PALS-2026-0001", "--json"])
        #expect(cli.stdout.contains("\"reference\" : \"PALS-2026-0001\""), "\(cli)")
    }

    @Test("a bad case lists every field problem as application/problem+json, and nothing is stored")
    func validation() async throws {
        let server = try await WebTestServer()
        defer { server.stop() }
        let token = try await server.token("website", scope: "intake")
        var object = try #require(try JSONSerialization.jsonObject(with: try exampleBody()) as? [String: Any])
        object.removeValue(forKey: "summary")
        object["officer"] = "nobody"
        object["colour"] = "blue"
        let answer = try await server.post(
            "/api/v1/cases", json: try JSONSerialization.data(withJSONObject: object), token: token)
        #expect(answer.status == 422, "\(answer)")
        #expect(answer.headers["content-type"] == "application/problem+json")
        let fields = (answer.json["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? []
        #expect(Set(fields) == ["summary", "officer", "colour"], "\(answer)")
        #expect(answer.json["status"] as? Int == 422)
        #expect((answer.json["type"] as? String)?.hasPrefix("urn:pals:problem:") == true)
        let list = try await server.pals(["case", "list", "--json"])
        #expect(
            list.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[\n\n]" || !list.stdout.contains("PALS-"))
    }

    @Test("an Idempotency-Key makes a retry return the first case; the same key with another body is 422")
    func idempotency() async throws {
        let server = try await WebTestServer()
        defer { server.stop() }
        let token = try await server.token("website", scope: "intake")
        let key = ["Idempotency-Key": "form-7f3a9c"]
        let first = try await server.post("/api/v1/cases", json: try exampleBody(), token: token, headers: key)
        let retry = try await server.post("/api/v1/cases", json: try exampleBody(), token: token, headers: key)
        #expect(first.status == 201, "\(first)")
        #expect(retry.status == 201, "\(retry)")
        #expect(retry.body == first.body, "the retry gets the first answer, byte for byte")
        let other = try await server.post(
            "/api/v1/cases", json: try exampleBody(summary: "INVENTED: another complaint."), token: token, headers: key)
        #expect(other.status == 422, "\(other)")
        #expect((other.json["type"] as? String) == "urn:pals:problem:idempotency-key-reused")
        let fresh = try await server.post(
            "/api/v1/cases", json: try exampleBody(), token: token, headers: ["Idempotency-Key": "form-second"])
        #expect(((fresh.json["case"] as? [String: Any])?["reference"] as? String) == "PALS-2026-0002")
        let reader = try await server.token("reader", scope: "read")
        let page = try await server.get("/api/v1/cases", token: reader)
        #expect(page.json["total"] as? Int == 2, "two posts with one key made one case: \(page)")
        let badKey = try await server.post(
            "/api/v1/cases", json: try exampleBody(), token: token,
            headers: ["Idempotency-Key": String(repeating: "k", count: 300)])
        #expect(badKey.status == 400, "\(badKey)")
    }

    @Test("missing, malformed, unknown and revoked tokens are 401; a scope that does not allow the route is 403")
    func tokens() async throws {
        let server = try await WebTestServer()
        defer { server.stop() }
        let intake = try await server.token("website", scope: "intake")
        let reader = try await server.token("dashboard", scope: "read")
        let writer = try await server.token("officers", scope: "write")
        let created = try await server.post("/api/v1/cases", json: try exampleBody(), token: writer)
        #expect(created.status == 201)
        let none = try await server.get("/api/v1/board")
        #expect(none.status == 401)
        #expect(none.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
        #expect(none.headers["content-type"] == "application/problem+json")
        #expect(
            try await server.request("GET", "/api/v1/board", headers: ["Authorization": "Basic YTpi"]).status == 401)
        #expect(try await server.get("/api/v1/board", token: "pals_not-a-real-token").status == 401)
        #expect(try await server.get("/api/v1/board", token: String(reader.dropLast())).status == 401)
        // Scopes.
        #expect(try await server.get("/api/v1/cases/PALS-2026-0001", token: intake).status == 403)
        #expect(try await server.get("/api/v1/board", token: intake).status == 403)
        #expect(try await server.get("/api/v1/board", token: reader).status == 200)
        #expect(try await server.post("/api/v1/cases", json: try exampleBody(), token: reader).status == 403)
        let letter = Data(#"{"kind": "acknowledgement"}"#.utf8)
        #expect(
            try await server.post("/api/v1/cases/PALS-2026-0001/letters", json: letter, token: reader).status == 403)
        // Revoked.
        #expect(try await server.pals(["token", "revoke", "dashboard"]).status == 0)
        #expect(try await server.get("/api/v1/board", token: reader).status == 401)
        let list = try await server.pals(["token", "list"])
        #expect(list.stdout.contains("dashboard") && list.stdout.contains("revoked"), "\(list)")
        #expect(!list.stdout.contains("pals_"), "the list never shows a token")
        // Only the hash is stored.
        let register = try Data(contentsOf: URL(filePath: server.workspace + "/register.sqlite"))
        #expect(register.range(of: Data(writer.utf8)) == nil)
        #expect(try await server.pals(["token", "add", "officers", "--scope", "read"]).status != 0, "names are unique")
        #expect(try await server.pals(["token", "add", "bad name", "--scope", "read"]).status != 0)
    }

    @Test("hostile requests: a huge body is 413, .. or a control character in a reference 400, no Content-Type 415")
    func hostile() async throws {
        let server = try await WebTestServer()
        defer { server.stop() }
        let token = try await server.token("officers", scope: "write")
        let huge = Data(repeating: UInt8(ascii: "a"), count: 2_000_000)
        let big = try await server.post("/api/v1/cases", json: huge, token: token)
        #expect(big.status == 413, "\(big)")
        for path in [
            "/api/v1/cases/..", "/api/v1/cases/%2E%2E", "/api/v1/cases/..%2F..%2Fregister.sqlite",
            "/api/v1/cases/PALS%0A2026", "/api/v1/cases/PALS%002026", "/api/v1/cases/%1B%5B31m",
        ] {
            let answer = try await server.get(path, token: token)
            #expect([400, 404].contains(answer.status), "\(path): \(answer)")
            #expect(answer.status != 200 && answer.status < 500, "\(path)")
        }
        #expect(try await server.get("/api/v1/cases/%2E%2E", token: token).status == 400)
        #expect(try await server.get("/api/v1/cases/PALS%0A2026", token: token).status == 400)
        let untyped = try await server.post("/api/v1/cases", json: try exampleBody(), token: token, contentType: nil)
        #expect(untyped.status == 415, "\(untyped)")
        let form = try await server.post(
            "/api/v1/cases", json: try exampleBody(), token: token, contentType: "application/x-www-form-urlencoded")
        #expect(form.status == 415)
        let notJSON = try await server.post("/api/v1/cases", json: Data("{\"received\": ".utf8), token: token)
        #expect(notJSON.status == 422, "\(notJSON)")
        let array = try await server.post("/api/v1/cases", json: Data("[1,2]".utf8), token: token)
        #expect(array.status == 422)
        let unknown = try await server.get("/api/v1/cases/PALS-2099-9999", token: token)
        #expect(unknown.status == 404)
        #expect(try await server.get("/api/v1/cases?limit=0", token: token).status == 400)
        #expect(try await server.get("/api/v1/cases?limit=abc", token: token).status == 400)
        #expect(try await server.get("/api/v1/board?overdue=maybe", token: token).status == 400)
        let control = try await server.request(
            "GET", "/api/v1/board", headers: ["Authorization": "Bearer pals_\u{7F}x"])
        #expect(control.status == 401)
        // The server is still there.
        #expect(try await server.get("/healthz").status == 200)
    }

    @Test("a preview over the API is byte for byte what pals preview writes; queueing a letter goes once")
    func previewAndQueue() async throws {
        let server = try await WebTestServer()
        defer { server.stop() }
        let token = try await server.token("officers", scope: "write")
        #expect(try await server.post("/api/v1/cases", json: try exampleBody(), token: token).status == 201)
        for format in ["text", "html", "pdf"] {
            let answer = try await server.get(
                "/api/v1/cases/PALS-2026-0001/letters/acknowledgement/preview?format=\(format)", token: token)
            #expect(answer.status == 200, "\(format): \(answer)")
            let file = server.folder.appending("preview.\(format)")
            let cli = try await server.pals([
                "preview", "acknowledgement", "PALS-2026-0001", "--format", format, "--output", file.path,
            ])
            #expect(cli.status == 0, "\(cli)")
            let expected = try Data(contentsOf: file)
            if format == "pdf" {
                #expect(answer.body.starts(with: Data("%PDF".utf8)))
                #expect(answer.headers["content-type"] == "application/pdf")
            } else {
                #expect(answer.body == expected, "\(format) differs from pals preview")
            }
        }
        let holding = Data(#"{"inputs": {"reason": "We are waiting for a statement.", "newDate": "2027-01-20"}}"#.utf8)
        let withInputs = try await server.post(
            "/api/v1/cases/PALS-2026-0001/letters/holding/preview", json: holding, token: token)
        #expect(withInputs.status == 200, "\(withInputs)")
        #expect(withInputs.text.contains("We are waiting for a statement."))
        let missing = try await server.get("/api/v1/cases/PALS-2026-0001/letters/holding/preview", token: token)
        #expect(missing.status == 422, "a holding letter without its inputs: \(missing)")
        let unknownKind = try await server.get("/api/v1/cases/PALS-2026-0001/letters/ransom/preview", token: token)
        #expect(unknownKind.status == 404)
        let badFormat = try await server.get(
            "/api/v1/cases/PALS-2026-0001/letters/acknowledgement/preview?format=docx", token: token)
        #expect(badFormat.status == 400)

        let letter = Data(#"{"kind": "acknowledgement"}"#.utf8)
        let queued = try await server.post("/api/v1/cases/PALS-2026-0001/letters", json: letter, token: token)
        #expect(queued.status == 201, "\(queued)")
        #expect(queued.json["channel"] as? String == "email")
        let again = try await server.post("/api/v1/cases/PALS-2026-0001/letters", json: letter, token: token)
        #expect(again.status == 200, "\(again)")
        #expect(again.json["isNew"] as? Bool == false)
        #expect(again.json["messageId"] as? String == queued.json["messageId"] as? String)
        let outbox = try await server.pals(["outbox", "list", "--case", "PALS-2026-0001", "--json"])
        #expect((try JSONSerialization.jsonObject(with: Data(outbox.stdout.utf8)) as? [Any])?.count == 1, "\(outbox)")
        let bad = try await server.post(
            "/api/v1/cases/PALS-2026-0001/letters", json: Data(#"{"inputs": {"a": 1}, "extra": true}"#.utf8),
            token: token)
        let fields = (bad.json["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? []
        #expect(bad.status == 422)
        #expect(Set(fields) == ["kind", "extra", "inputs.a"], "\(bad)")
        let audit = try await server.pals(["audit", "PALS-2026-0001", "--json"])
        #expect(audit.stdout.contains("\"queued-letter\""), "\(audit)")
        #expect(audit.stdout.contains("\"previewed\""))
    }

    @Test("the board and the paged case list")
    func boardAndList() async throws {
        let server = try await WebTestServer()
        defer { server.stop() }
        let token = try await server.token("officers", scope: "write")
        for _ in 0..<3 {
            #expect(try await server.post("/api/v1/cases", json: try exampleBody(), token: token).status == 201)
        }
        let board = try await server.get("/api/v1/board", token: token)
        #expect(board.status == 200)
        let items = board.json["items"] as? [[String: Any]] ?? []
        #expect(
            Set(items.compactMap { $0["reference"] as? String }) == [
                "PALS-2026-0001", "PALS-2026-0002", "PALS-2026-0003",
            ])
        let cli = try await server.pals(["deadlines", "--json"])
        let cliItems = try #require(try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [[String: Any]])
        #expect(cliItems.count == items.count, "the API's board is the CLI's")
        let page = try await server.get("/api/v1/cases?offset=1&limit=1", token: token)
        #expect(page.json["total"] as? Int == 3)
        let rows = page.json["items"] as? [[String: Any]] ?? []
        #expect(rows.map { $0["reference"] as? String } == ["PALS-2026-0002"])
        #expect(rows.first?["complainant"] == nil, "a list row carries no personal details")
        let mine = try await server.get("/api/v1/cases?officer=sam", token: token)
        #expect(mine.json["total"] as? Int == 0)
    }

    @Test("a token over its rate limit gets 429 with Retry-After; another token is not slowed")
    func rateLimit() async throws {
        let server = try await WebTestServer { ws in
            let config = ws.appending(path: "pals.yaml")
            let text = try String(contentsOf: config, encoding: .utf8)
            try (text + "\nhttp:\n  rateLimit:\n    requestsPerMinute: 3\n").write(
                to: config, atomically: true, encoding: .utf8)
        }
        defer { server.stop() }
        let busy = try await server.token("busy", scope: "read")
        let calm = try await server.token("calm", scope: "read")
        var statuses: [Int] = []
        for _ in 0..<4 { statuses.append(try await server.get("/api/v1/board", token: busy).status) }
        #expect(statuses == [200, 200, 200, 429], "\(statuses)")
        let limited = try await server.get("/api/v1/board", token: busy)
        #expect(Int(limited.headers["retry-after"] ?? "") ?? 0 >= 1)
        #expect(try await server.get("/api/v1/board", token: calm).status == 200)
    }
}
