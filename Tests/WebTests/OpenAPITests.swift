import Foundation
import PalsTestKit
import Testing

/// The PyPI tools of these tests, installed by `make web-tools` into a virtual environment under `.build`.
enum WebTools {
    static let repository = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let venv = repository.appending(path: ".build/venv-web/bin")
    static var python: URL { venv.appending(path: "python3") }
    static var schemathesis: URL { venv.appending(path: "schemathesis") }
    static let scripts = URL(filePath: #filePath).deletingLastPathComponent().appending(path: "Scripts")

    static func require() throws {
        guard FileManager.default.isExecutableFile(atPath: schemathesis.path) else {
            throw TestSetupError(description: "schemathesis is not installed: run `make web-tools` (or `make test`)")
        }
    }
}

@Suite("The OpenAPI document of /api/v1: valid, served, and what the server does (schemathesis)", .serialized)
struct OpenAPITests {
    @Test("the served document is the checked-in one and openapi-spec-validator finds it valid OpenAPI 3.1")
    func validates() async throws {
        try WebTools.require()
        let server = try await WebTestServer()
        defer { server.stop() }
        let served = try await server.get("/api/v1/openapi.json")
        #expect(served.status == 200)
        #expect(served.headers["content-type"] == "application/json")
        let checkedIn = try Data(
            contentsOf: WebTools.repository.appending(path: "Sources/Web/Resources/openapi.json"))
        #expect(served.body == checkedIn)
        let result = try await ProcessRunner.runOffPool(
            WebTools.python,
            [WebTools.scripts.appending(path: "validate_openapi.py").path, server.base + "/api/v1/openapi.json"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasPrefix("OK 3.1.0"), "\(result)")
        // Every route the server has is described.
        let document = served.json
        let paths = Set((document["paths"] as? [String: Any])?.keys.map { $0 } ?? [])
        #expect(
            paths == [
                "/api/v1/openapi.json", "/api/v1/cases", "/api/v1/cases/{ref}", "/api/v1/board",
                "/api/v1/cases/{ref}/letters/{kind}/preview", "/api/v1/cases/{ref}/letters",
            ])
    }

    @Test("schemathesis finds no server error and no response that breaks the document, with a write token")
    func schemathesis() async throws {
        try WebTools.require()
        let server = try await WebTestServer { ws in
            // Enough requests for schemathesis, which is not what the limit is for.
            let config = ws.appending(path: "pals.yaml")
            let text = try String(contentsOf: config, encoding: .utf8)
            try (text + "\nhttp:\n  rateLimit:\n    requestsPerMinute: 100000\n").write(
                to: config, atomically: true, encoding: .utf8)
        }
        defer { server.stop() }
        let token = try await server.token("schemathesis", scope: "write")
        // Cases for the reference-taking routes to find.
        for _ in 0..<2 {
            #expect(try await server.post("/api/v1/cases", json: try exampleBody(), token: token).status == 201)
        }
        let result = try await ProcessRunner.runOffPool(
            WebTools.schemathesis,
            [
                "run", server.base + "/api/v1/openapi.json", "--url", server.base,
                "-H", "Authorization: Bearer \(token)",
                "--checks",
                "not_a_server_error,status_code_conformance,content_type_conformance,"
                    + "response_schema_conformance,response_headers_conformance",
                "--phases", "examples,fuzzing", "--max-examples", "15", "--seed", "1", "--no-color",
            ],
            environment: ["SCHEMATHESIS_HOOKS": "", "HOME": server.folder.url.path])
        #expect(result.status == 0, "\(result.stdout.suffix(6000))\n\(result.stderr.suffix(2000))")
    }
}
