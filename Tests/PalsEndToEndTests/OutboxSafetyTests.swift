import Foundation
import PalsTestKit
import Testing

extension TestWorkspace {
    /// The rows of `pals outbox list --json` (or of a state).
    func outboxRows(state: String? = nil) async throws -> [[String: Any]] {
        let result = try await pals(["outbox", "list", "--json"] + (state.map { ["--state", $0] } ?? []))
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
    }

    var outboxFolder: URL { URL(filePath: workspace).appending(path: "Outbox") }
}

/// DESIGN invariant 12 and issue 11 items 4 and 6, through the real binary and a real SMTP server.
@Suite("pals never follows a link in its outbox and never reports a failed record as success", .serialized)
struct OutboxSafetyTests {
    static let secretText = "root:x:0:0:this-must-never-leave"

    /// A file outside the workspace standing for /etc/passwd.
    func secret(_ ws: TestWorkspace) throws -> URL {
        let url = ws.folder.appending("passwd")
        try Data((Self.secretText + "\n").utf8).write(to: url)
        return url
    }

    @Test("a symlink planted in Outbox/queued is held with the reason, never sent, and outbox show --eml refuses it")
    func plantedSymlinkNotSent() async throws {
        try await withSMTPServer { server in
            let ws = try await TestWorkspace()
            defer { ws.folder.remove() }
            let target = try secret(ws)
            let reference = try await ws.logExample()
            #expect(try await ws.pals(["letter", "consent-request", reference]).status == 0)
            let real = try #require(try await ws.outboxRows().first?["id"] as? String)
            // The attacker's message: a link to the secret, with a sidecar copied from the real one.
            let planted = "20261125T080000000Z-00000000beef"
            let queued = ws.outboxFolder.appending(path: "queued")
            let sidecar = try String(contentsOf: queued.appending(path: "\(real).json"), encoding: .utf8)
                .replacingOccurrences(of: real, with: planted)
                .replacingOccurrences(of: "\"key\" : \"", with: "\"key\" : \"planted-")
            try Data(sidecar.utf8).write(to: queued.appending(path: "\(planted).json"))
            try FileManager.default.createSymbolicLink(
                atPath: queued.appending(path: "\(planted).eml").path, withDestinationPath: target.path)

            let flush = try await ws.pals(["outbox", "flush"], environment: ["PALS_SMTP_URL": server.url()])
            #expect(flush.stdout.contains("delivered 1") && flush.stdout.contains("on hold 1"), "\(flush)")
            #expect(server.receivedMessageIDs().count == 1, "only the real letter reached the server")
            #expect(
                try server.messages().allSatisfy { !String(decoding: $0.data, as: UTF8.self).contains(Self.secretText) }
            )
            let held = try await ws.outboxRows(state: "hold")
            #expect(held.map { $0["id"] as? String } == [planted])
            let show = try await ws.pals(["outbox", "show", planted])
            #expect(show.stdout.contains("symbolic link"), "the hold reason says why: \(show)")
            let eml = try await ws.pals(["outbox", "show", planted, "--eml"])
            #expect(eml.status != 0)
            #expect(!eml.stdout.contains(Self.secretText))
            #expect(eml.stderr.contains("symbolic link"), "\(eml)")
            #expect(
                try String(contentsOf: target, encoding: .utf8) == Self.secretText + "\n", "the target is untouched")
        }
    }

    @Test("archive show and export refuse a symlinked .eml in sent/; archiveFile ../../x is refused by show and purge")
    func archiveRefusesLinksAndEscapes() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let target = try secret(ws)
        let reference = try await ws.logExample()
        #expect(try await ws.pals(["letter", "consent-request", reference]).status == 0)
        #expect(try await ws.pals(["outbox", "flush"]).status == 0)
        let id =
            try #require(
                try JSONSerialization.jsonObject(
                    with: Data(try await ws.pals(["archive", "list", "--json"]).stdout.utf8))
                    as? [[String: Any]]
            ).first?["id"] as? String
        let messageID = try #require(id)
        let cur = ws.outboxFolder.appending(path: "sent/cur")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: cur.path).first)
        let file = cur.appending(path: name)
        let original = try Data(contentsOf: file)

        // 1. The archived file replaced by a link to the secret.
        try FileManager.default.removeItem(at: file)
        try FileManager.default.createSymbolicLink(atPath: file.path, withDestinationPath: target.path)
        let show = try await ws.pals(["archive", "show", messageID])
        #expect(show.status != 0)
        #expect(!show.stdout.contains(Self.secretText))
        #expect(show.stderr.contains("symbolic link"), "\(show)")
        let exportFolder = ws.folder.appending("sar")
        let export = try await ws.pals(["archive", "export", reference, "--to", exportFolder.path])
        #expect(export.status != 0, "\(export)")
        for copied in (try? FileManager.default.contentsOfDirectory(atPath: exportFolder.path)) ?? [] {
            let text = try String(contentsOf: exportFolder.appending(path: copied), encoding: .utf8)
            #expect(!text.contains(Self.secretText), "\(copied) holds the link's target")
        }

        // 2. The file back, but its sidecar now says archiveFile ../../x: show and purge must not reach outside.
        try FileManager.default.removeItem(at: file)
        try original.write(to: file)
        let victim = ws.folder.appending("x")
        try Data("outside the outbox\n".utf8).write(to: victim)
        let sidecar = ws.outboxFolder.appending(path: "sent/meta/\(messageID).json")
        let text = try String(contentsOf: sidecar, encoding: .utf8)
            .replacingOccurrences(of: "\"archiveFile\" : \"cur/\(name)\"", with: "\"archiveFile\" : \"../../../x\"")
        #expect(text.contains("../../../x"), "the sidecar was rewritten")
        try Data(text.utf8).write(to: sidecar)
        try FileManager.default.removeItem(at: file)  // only the outside file could be found now
        let escaped = try await ws.pals(["archive", "show", messageID])
        #expect(escaped.status != 0)
        #expect(!escaped.stdout.contains("outside the outbox"))
        #expect(escaped.stderr.contains("../../../x"), "the error names the refused path: \(escaped)")
        #expect(try await ws.pals(["case", "close", reference, "--outcome", "upheld"]).status == 0)
        let purge = try await ws.pals(["archive", "purge", "--closed-before", "2026-11-26", "--force"])
        #expect(purge.status == 0, "\(purge)")
        #expect(
            try String(contentsOf: victim, encoding: .utf8) == "outside the outbox\n", "the outside file is untouched")
    }

    @Test("a symlinked Outbox/hold stops every outbox command with a clear error, and nothing is written through it")
    func symlinkedFolderRefused() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let reference = try await ws.logExample()
        #expect(try await ws.pals(["letter", "consent-request", reference]).status == 0)
        let elsewhere = ws.folder.appending("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let hold = ws.outboxFolder.appending(path: "hold")
        try FileManager.default.removeItem(at: hold)
        try FileManager.default.createSymbolicLink(atPath: hold.path, withDestinationPath: elsewhere.path)
        for arguments in [["outbox", "list"], ["outbox", "flush"], ["archive", "list"]] {
            let result = try await ws.pals(arguments)
            #expect(result.status != 0, "\(arguments): \(result)")
            #expect(result.stderr.contains("symbolic link"), "\(arguments): \(result)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty)
    }

    @Test(
        "flush exits non-zero naming the message whose move it could not record; the next run holds it, not resends it")
    func flushReportsUnrecordedMoves() async throws {
        try await withSMTPServer { server in
            let ws = try await TestWorkspace()
            defer { ws.folder.remove() }
            let first = try await ws.logExample()
            let second = try await ws.logExample(email: "other@example.org")
            for reference in [first, second] {
                #expect(try await ws.pals(["letter", "consent-request", reference]).status == 0)
            }
            let rows = try await ws.outboxRows()
            let blocked = try #require(rows.first { $0["case"] as? String == first }?["id"] as? String)
            // Recording the move to the archive fails: its sidecar's name is taken by a folder (a real write
            // failure, which file modes cannot cause for root).
            let obstruction = ws.outboxFolder.appending(path: "sent/meta/\(blocked).json")
            try FileManager.default.createDirectory(
                at: obstruction.appending(path: "in-the-way"), withIntermediateDirectories: true)
            let environment = ["PALS_SMTP_URL": server.url()]

            let flush = try await ws.pals(["outbox", "flush"], environment: environment)
            #expect(flush.status != 0, "a failed record is not success: \(flush)")
            #expect(flush.stdout.contains("delivered 1"), "\(flush)")
            #expect(
                flush.stderr.contains(blocked) && flush.stderr.contains(first), "names the message and case: \(flush)")
            #expect(flush.stderr.contains("accepted by the server"), "\(flush)")
            #expect(!flush.stderr.contains("Eira"), "names no person")
            #expect(server.receivedMessageIDs().count == 2)

            try FileManager.default.removeItem(at: obstruction)
            let again = try await ws.pals(["outbox", "flush"], environment: environment)
            #expect(again.status == 0, "\(again)")
            let held = try await ws.outboxRows(state: "hold")
            #expect(held.map { $0["id"] as? String } == [blocked], "held for an officer, since it may have arrived")
            let received = server.receivedMessageIDs()
            #expect(received.values.allSatisfy { $0 == 1 }, "nothing reached the server twice: \(received)")
            #expect(try await ws.pals(["case", "show", first]).stdout.contains("Needs attention"))
        }
    }

    @Test("daemon --once exits non-zero and logs, by case and message, a move it could not record")
    func daemonOnceReportsUnrecordedMoves() async throws {
        try await withSMTPServer { server in
            let ws = try await TestWorkspace()
            defer { ws.folder.remove() }
            let reference = try await ws.logExample()
            #expect(try await ws.pals(["letter", "consent-request", reference]).status == 0)
            let blocked = try #require(try await ws.outboxRows().first?["id"] as? String)
            try FileManager.default.createDirectory(
                at: ws.outboxFolder.appending(path: "sent/meta/\(blocked).json/in-the-way"),
                withIntermediateDirectories: true)
            let once = try await ws.pals(["daemon", "--once"], environment: ["PALS_SMTP_URL": server.url()])
            #expect(once.status != 0, "\(once)")
            #expect(once.stderr.contains("could not record a message move"), "\(once)")
            #expect(once.stderr.contains(blocked) && once.stderr.contains(reference))
            #expect(!once.stderr.contains("Eira") && !once.stderr.contains("eira.example"), "logs name no person")
        }
    }
}
