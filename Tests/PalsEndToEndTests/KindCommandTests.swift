import Foundation
import PalsTestKit
import Testing

/// Case kinds, the new letters and statement requests, through the real `pals` binary.
@Suite("pals case convert, pals statement and the new letters, run as a real binary", .serialized)
struct KindCommandTests {
    /// The example complaint as a PALS concern.
    func logConcern(_ ws: TestWorkspace) async throws -> String {
        let text = try String(contentsOf: exampleComplaint, encoding: .utf8)
            .replacingOccurrences(of: "\"channel\"", with: "\"kind\": \"concern\", \"channel\"")
        let result = try await ws.pals(["case", "new", "--file", "-"], input: Data(text.utf8))
        #expect(result.status == 0, "\(result)")
        return result.stdout.trimmingCharacters(in: .newlines)
    }

    /// The messages the file transport delivered, as text.
    func delivered(_ ws: TestWorkspace) throws -> [String] {
        let folder = URL(filePath: ws.workspace).appending(path: "Outbox/local")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return try names.filter { $0.hasSuffix(".eml") }.sorted().map {
            try String(contentsOf: folder.appending(path: $0), encoding: .utf8)
        }
    }

    @Test("a concern is not acknowledged by the daemon; converted, it is, once; the board shows its target")
    func concernThroughConversion() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let reference = try await logConcern(ws)
        let show = try await ws.pals(["case", "show", reference])
        #expect(show.stdout.contains("PALS concern"), "\(show.stdout)")
        #expect(show.stdout.contains("Resolve by"), "\(show.stdout)")
        let board = try await ws.pals(["deadlines", "--json"])
        #expect(board.stdout.contains("\"concern\""), "\(board.stdout)")

        let once = try await ws.pals(["daemon", "--once"])
        #expect(once.status == 0, "\(once)")
        let before = try await ws.pals(["case", "show", reference])
        #expect(!before.stdout.contains("acknowledgement queued automatically"))

        let converted = try await ws.pals(["case", "convert", reference, "--to", "complaint"])
        #expect(converted.status == 0, "\(converted)")
        #expect(converted.stdout == "Converted \(reference) into a complaint\n")
        let again = try await ws.pals(["case", "convert", reference, "--to", "complaint"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("is a complaint already"), "\(again.stderr)")

        _ = try await ws.pals(["daemon", "--once"])
        _ = try await ws.pals(["daemon", "--once"])
        let after = try await ws.pals(["case", "show", reference])
        #expect(after.stdout.contains("converted"), "\(after.stdout)")
        let acknowledgements = after.stdout.components(separatedBy: "acknowledgement queued automatically").count - 1
        #expect(acknowledgements == 1, "\(after.stdout)")
    }

    @Test("careless conversions are refused with a usage error or advice")
    func carelessConversion() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let reference = try await ws.logExample()
        let backwards = try await ws.pals(["case", "convert", reference, "--to", "concern"])
        #expect(backwards.status == 1)
        #expect(backwards.stderr.contains("never the other way"), "\(backwards.stderr)")
        let nonsense = try await ws.pals(["case", "convert", reference, "--to", "enquiry"])
        #expect(nonsense.status == 64)
        #expect(nonsense.stderr.contains("complaint, concern"), "\(nonsense.stderr)")
        let concern = try await logConcern(ws)
        let acknowledgement = try await ws.pals(["letter", "acknowledgement", concern])
        #expect(acknowledgement.status == 1)
        #expect(
            acknowledgement.stderr.contains("pals case convert \(concern) --to complaint"), "\(acknowledgement.stderr)")
    }

    @Test("preview shows each new letter; the concern resolution goes out and resolves the concern")
    func newLetters() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let concern = try await logConcern(ws)
        let preview = try await ws.pals(["preview", "concern-resolution", concern, "--set", "outcome=We rebooked it."])
        #expect(preview.status == 0, "\(preview)")
        #expect(preview.stdout.contains("We rebooked it."))
        let sent = try await ws.pals(["letter", "concern-resolution", concern, "--set", "outcome=We rebooked it."])
        #expect(sent.status == 0, "\(sent)")
        let show = try await ws.pals(["case", "show", concern])
        #expect(show.stdout.contains("responded"), "\(show.stdout)")

        let complaint = try await ws.logExample()
        _ = try await ws.pals(["case", "update", complaint, "--consent", "received"])
        let mp = try await ws.pals([
            "preview", "mp-letter", complaint, "--set", "mpName=Jane Example MP", "--set",
            "mpEmail=jane.example.mp@parliament.example", "--set", "mpLetterDate=2026-11-20", "--set",
            "consentOn=2026-11-22", "--set", "reply=We have apologised.",
        ])
        #expect(mp.status == 0, "\(mp)")
        #expect(mp.stdout.contains("Jane Example MP <jane.example.mp@parliament.example>"), "\(mp.stdout)")
        let withdrawn = try await ws.pals(["letter", "withdrawn", complaint])
        #expect(withdrawn.status == 0, "\(withdrawn)")
        let after = try await ws.pals(["case", "show", complaint])
        #expect(after.stdout.contains("withdrawn"))
        let check = try await ws.pals(["templates", "check"])
        #expect(check.status == 0, "\(check)")
    }

    @Test("a statement request is mailed with the reference only, chased before its due date, and recorded")
    func statements() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let reference = try await ws.logExample()
        let requested = try await ws.pals([
            "statement", "request", reference, "--to", "ward7@trust.example", "--department", "Ward 7",
        ])
        #expect(requested.status == 0, "\(requested)")
        // Ten working days after Wednesday 25 November 2026.
        #expect(requested.stdout == "Requested statement S1 of \(reference), due 2026-12-09\n")
        _ = try await ws.pals(["daemon", "--once"])
        var mail = try delivered(ws)
        let request = try #require(mail.first { $0.contains("Subject: Statement request: \(reference)") })
        #expect(request.contains("To: Ward 7 <ward7@trust.example>"))
        for personal in ["Eira", "Invented Street", "INVENTED EXAMPLE", "Bryn", "Emergency Department"] {
            #expect(!request.contains(personal), "the request mail carries \(personal)")
        }

        // Two working days before the due date, the watcher's pass sends the reminder, once.
        for _ in 0..<2 {
            let pass = try await ws.pals(["daemon", "--once"], environment: ["PALS_NOW": "2026-12-07T09:00:00Z"])
            #expect(pass.status == 0, "\(pass)")
        }
        mail = try delivered(ws)
        #expect(mail.filter { $0.contains("Subject: Reminder, statement due 2026-12-09") }.count == 1)

        let list = try await ws.pals(["statement", "list", reference])
        #expect(list.stdout.contains("S1") && list.stdout.contains("awaited"), "\(list.stdout)")
        let received = try await ws.pals(["statement", "received", reference, "S1"])
        #expect(received.status == 0, "\(received)")
        let twice = try await ws.pals(["statement", "received", reference, "s1"])
        #expect(twice.status == 1)
        #expect(twice.stderr.contains("recorded as received"), "\(twice.stderr)")
        let show = try await ws.pals(["case", "show", reference])
        #expect(show.stdout.contains("Statement requests"), "\(show.stdout)")
        #expect(show.stdout.contains("Ward 7, due 2026-12-09, received"), "\(show.stdout)")

        // Overdue and received: no chaser.
        _ = try await ws.pals(["daemon", "--once"], environment: ["PALS_NOW": "2026-12-16T09:00:00Z"])
        #expect(try delivered(ws).filter { $0.contains("Statement overdue") }.isEmpty)
    }

    @Test("careless statement requests are refused and nothing is sent")
    func carelessStatements() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let reference = try await ws.logExample()
        let badAddress = try await ws.pals([
            "statement", "request", reference, "--to", "ward7 at trust", "--department", "Ward 7",
        ])
        #expect(badAddress.status == 1)
        #expect(badAddress.stderr.contains("not a valid email address"))
        let injected = try await ws.pals([
            "statement", "request", reference, "--to", "ward7@trust.example", "--department", "Ward 7\nBcc: x@y.z",
        ])
        #expect(injected.status == 1)
        let badDate = try await ws.pals([
            "statement", "request", reference, "--to", "ward7@trust.example", "--department", "Ward 7", "--due",
            "tomorrow",
        ])
        #expect(badDate.status == 64)
        let past = try await ws.pals([
            "statement", "request", reference, "--to", "ward7@trust.example", "--department", "Ward 7", "--due",
            "2026-11-20",
        ])
        #expect(past.status == 1)
        #expect(past.stderr.contains("not after today"))
        let unknown = try await ws.pals(["statement", "received", reference, "S9"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no statement request S9"))
        let list = try await ws.pals(["statement", "list", reference])
        #expect(list.stdout.contains("no statement requests"))
    }
}
