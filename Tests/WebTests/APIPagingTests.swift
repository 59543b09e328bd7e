import Foundation
import PalsTestKit
import Testing

@Suite("The API's case list pages in SQL; careless paging is answered, not crashed on", .serialized)
struct APIPagingTests {
    @Test("pages walk the cases oldest first; past the end is empty with the total; a huge offset is empty too")
    func pages() async throws {
        let server = try await WebTestServer()
        defer { server.stop() }
        let token = try await server.token("officers", scope: "write")
        for _ in 0..<5 {
            #expect(try await server.post("/api/v1/cases", json: try exampleBody(), token: token).status == 201)
        }
        var seen: [String] = []
        for offset in stride(from: 0, to: 6, by: 2) {
            let page = try await server.get("/api/v1/cases?offset=\(offset)&limit=2", token: token)
            #expect(page.status == 200, "\(page)")
            #expect(page.json["total"] as? Int == 5)
            seen += (page.json["items"] as? [[String: Any]] ?? []).compactMap { $0["reference"] as? String }
        }
        #expect(seen == (1...5).map { "PALS-2026-000\($0)" })
        let past = try await server.get("/api/v1/cases?offset=99&limit=500", token: token)
        #expect(past.status == 200 && (past.json["items"] as? [Any])?.isEmpty == true, "\(past)")
        #expect(past.json["total"] as? Int == 5)
        let huge = try await server.get("/api/v1/cases?offset=\(Int.max)", token: token)
        #expect(huge.status == 200 && (huge.json["items"] as? [Any])?.isEmpty == true, "\(huge)")
        let open = try await server.get("/api/v1/cases?open=true&officer=alex&limit=1", token: token)
        #expect(open.json["total"] as? Int == 5 && (open.json["items"] as? [Any])?.count == 1, "\(open)")
        for bad in ["offset=-1", "limit=0", "limit=501", "offset=1e3", "limit=", "offset=\(Int.max)0"] {
            let refused = try await server.get("/api/v1/cases?\(bad)", token: token)
            #expect(refused.status == 400, "\(bad): \(refused)")
        }
    }
}
