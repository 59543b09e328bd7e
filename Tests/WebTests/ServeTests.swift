import Foundation
import PalsTestKit
import Testing

@Suite("pals serve, run as a real binary")
struct ServeTests {
    @Test("pals serve answers /healthz with 200 on a free loopback port")
    func healthz() async throws {
        let server = try await WebTestServer()
        let answer = try await server.get("/healthz")
        await server.finish()
        #expect(answer.status == 200)
        #expect(answer.text == "ok\n")
    }
}
