import Foundation
import PalsTestKit
import Testing

@Suite("pals case update --consent and the enclosed consent form, run as a real binary", .serialized)
struct ConsentCommandTests {
    @Test("the example case's acknowledgement .eml carries the consent form; after consent is received it does not")
    func formInEml() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let reference = try await ws.logExample()
        let requested = try await ws.pals(["preview", "acknowledgement", reference, "--format", "eml"])
        #expect(requested.status == 0, "\(requested)")
        #expect(requested.stdout.contains("filename=\"\(reference)-consent-form.pdf\""), "the form is attached")
        let update = try await ws.pals(["case", "update", reference, "--consent", "received"])
        #expect(update.status == 0, "\(update)")
        let show = try await ws.pals(["case", "show", reference])
        #expect(show.stdout.contains("consent requested → received"), "the change is in the history")
        let received = try await ws.pals(["preview", "acknowledgement", reference, "--format", "eml"])
        #expect(received.status == 0, "\(received)")
        #expect(!received.stdout.contains("consent-form.pdf"), "no form once consent is received")
    }

    @Test("a final response while consent is awaited is refused with the state and the command that answers it")
    func resolutionRefused() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let reference = try await ws.logExample()
        let result = try await ws.pals([
            "preview", "resolution", reference, "--set", "consideration=We read the notes.", "--set",
            "findings=A delay.", "--set", "actions=Training.",
        ])
        #expect(result.status != 0)
        #expect(result.stderr.contains("its consent state is requested"), "\(result.stderr)")
        #expect(result.stderr.contains("`pals case update \(reference) --consent received`"), "\(result.stderr)")
    }

    @Test("a careless or refused consent change is refused and changes nothing")
    func carelessChanges() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let reference = try await ws.logExample()
        let typo = try await ws.pals(["case", "update", reference, "--consent", "deceased"])
        #expect(typo.status != 0)
        #expect(typo.stderr.contains("deceased-representative"), "lists the states: \(typo.stderr)")
        #expect(try await ws.pals(["case", "update", reference, "--consent", "deceased-representative"]).status == 0)
        let back = try await ws.pals(["case", "update", reference, "--consent", "received"])
        #expect(back.status != 0)
        #expect(back.stderr.contains("has died"), "\(back.stderr)")
        let show = try await ws.pals(["case", "show", reference])
        #expect(show.stdout.contains("deceased-representative"))
        #expect(!show.stdout.contains("→ received"))
    }
}
