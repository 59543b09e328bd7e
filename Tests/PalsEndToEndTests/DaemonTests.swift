import Foundation
import PalsTestKit
import Testing

/// A running `pals daemon` on a test workspace, stopped by the test.
final class DaemonProcess {
    let process: RunningProcess

    init(_ ws: TestWorkspace, smtp: SMTPTestServer, interval: String = "0.2", extra: [String: String] = [:]) throws {
        var environment = ["PALS_SMTP_URL": smtp.url()]
        for (key, value) in extra { environment[key] = value }
        process = try ProcessRunner.start(
            ProcessRunner.palsBinary, ["daemon", "--workspace", ws.workspace, "--interval", interval],
            environment: environment)
    }

    /// Sends a signal and waits for the exit, off the cooperative pool.
    func stop(_ signal: Int32 = SIGTERM) async -> ProcessResult {
        kill(process.process.processIdentifier, signal)
        return await process.waitOffPool()
    }
}

/// Polls `condition` every 50 ms until it holds or `seconds` pass.
func eventually(within seconds: Double = 20, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}

@Suite("pals daemon, run as a real binary with aiosmtpd", .serialized)
struct DaemonTests {
    func acknowledgements(_ server: SMTPTestServer, _ reference: String) throws -> Int {
        try server.messages().filter {
            String(decoding: $0.data, as: UTF8.self).contains("Subject: Your complaint \(reference)")
        }.count
    }

    @Test("a new case is acknowledged at the server within seconds, marked auto-replied")
    func acknowledgesNewCase() async throws {
        try await withSMTPServer { server in
            let ws = try await TestWorkspace()
            defer { ws.folder.remove() }
            let daemon = try DaemonProcess(ws, smtp: server)
            let reference = try await ws.logExample()
            #expect(try await eventually { try acknowledgements(server, reference) == 1 })
            let message = try #require(try server.messages().first { $0.rcptTos == ["eira.example@example.org"] })
            let text = String(decoding: message.data, as: UTF8.self)
            #expect(text.contains("Auto-Submitted: auto-replied"))
            #expect(text.contains("Subject: Your complaint \(reference)"))
            let stopped = await daemon.stop()
            #expect(stopped.status == 0, "\(stopped)")
            #expect(!stopped.stderr.contains("Eira"), "logs never name the complainant")
            let show = try await ws.pals(["case", "show", reference])
            #expect(show.stdout.contains("letter-sent"))
        }
    }

    @Test("pals case new wakes a running daemon, which acknowledges at once rather than at its next tick")
    func newCaseWakesDaemon() async throws {
        try await withSMTPServer { server in
            let ws = try await TestWorkspace()
            defer { ws.folder.remove() }
            let first = try await ws.logExample(email: "first@example.org")
            let daemon = try DaemonProcess(ws, smtp: server, interval: "60")
            #expect(try await eventually { try acknowledgements(server, first) == 1 }, "the first pass at start-up")
            let second = try await ws.logExample(email: "second@example.org")
            #expect(
                try await eventually(within: 15) { try acknowledgements(server, second) == 1 },
                "acknowledged well before the 60 s tick")
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("restarting or killing the daemon at any point sends no second acknowledgement")
    func restartsSendOnce() async throws {
        try await withSMTPServer(["--delay-after-dot", "0.05"]) { server in
            let ws = try await TestWorkspace()
            defer { ws.folder.remove() }
            var references: [String] = []
            for round in 0..<4 {
                let daemon = try DaemonProcess(ws, smtp: server)
                references.append(try await ws.logExample(email: "person\(references.count)@example.org"))
                references.append(try await ws.logExample(email: "person\(references.count)@example.org"))
                try await Task.sleep(for: .milliseconds(50 * round))
                _ = await daemon.stop(round % 2 == 0 ? SIGKILL : SIGTERM)
            }
            let last = try DaemonProcess(ws, smtp: server)
            let settled = try await eventually(within: 30) {
                let list = try await ws.pals(["outbox", "list", "--json"])
                let items = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]] ?? []
                return items.allSatisfy { ["hold", "failed"].contains($0["state"] as? String ?? "") }
            }
            #expect(settled)
            _ = await last.stop()
            let held = try await ws.pals(["outbox", "list", "--state", "hold", "--json"])
            let heldCases = Set(
                (try JSONSerialization.jsonObject(with: Data(held.stdout.utf8)) as? [[String: Any]] ?? [])
                    .compactMap { $0["case"] as? String })
            for reference in references {
                let count = try acknowledgements(server, reference)
                #expect(count <= 1, "\(reference) acknowledged \(count) times")
                if count == 0 { #expect(heldCases.contains(reference), "\(reference) neither sent nor held") }
            }
        }
    }

    @Test("SIGTERM mid-batch finishes the transaction in flight, claims no more, exits 0 and loses nothing")
    func sigtermLosesNothing() async throws {
        try await withSMTPServer(["--delay-after-dot", "0.2"]) { server in
            let ws = try await TestWorkspace()
            defer { ws.folder.remove() }
            var references: [String] = []
            for index in 0..<30 { references.append(try await ws.logExample(email: "person\(index)@example.org")) }
            let daemon = try DaemonProcess(ws, smtp: server)
            #expect(try await eventually { try server.messages().count >= 3 })
            let stopped = await daemon.stop(SIGTERM)
            #expect(stopped.status == 0, "\(stopped)")
            let list = try await ws.pals(["outbox", "list", "--json"])
            let items = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]] ?? []
            #expect(
                items.allSatisfy { $0["state"] as? String == "queued" },
                "nothing active or held after a clean stop: \(items)")
            #expect(!items.isEmpty, "the daemon stopped claiming messages when asked to stop")
            let sentBeforeStop = try references.map { try acknowledgements(server, $0) }
            #expect(sentBeforeStop.allSatisfy { $0 <= 1 })
            let queuedAcknowledgements = items.filter { $0["kind"] as? String == "acknowledgement" }.count
            #expect(
                sentBeforeStop.reduce(0, +) + queuedAcknowledgements == references.count,
                "every acknowledgement is sent or queued")
            let again = try await ws.pals(["daemon", "--once"], environment: ["PALS_SMTP_URL": server.url()])
            #expect(again.status == 0, "\(again)")
            for reference in references {
                #expect(try acknowledgements(server, reference) == 1, "\(reference)")
            }
        }
    }

    @Test("a complainant written to by post gets a PDF in the print queue and the officer is told")
    func postalAcknowledgement() async throws {
        try await withSMTPServer { server in
            let ws = try await TestWorkspace()
            defer { ws.folder.remove() }
            let data = try String(contentsOf: exampleComplaint, encoding: .utf8)
                .replacingOccurrences(of: #""preferredContact": "email""#, with: #""preferredContact": "post""#)
            let result = try await ws.pals(["case", "new", "--file", "-"], input: Data(data.utf8))
            let reference = result.stdout.trimmingCharacters(in: .newlines)
            let once = try await ws.pals(["daemon", "--once"], environment: ["PALS_SMTP_URL": server.url()])
            #expect(once.status == 0, "\(once)")
            let printQueue = URL(filePath: ws.workspace).appending(path: "Outbox/print")
            let files = try FileManager.default.contentsOfDirectory(atPath: printQueue.path).sorted()
            #expect(files.count == 2, "the letter and the consent form it encloses")
            #expect(files.first?.hasPrefix("\(reference)-acknowledgement") == true)
            #expect(files.last?.hasPrefix("\(reference)-consent-form") == true)
            let alerts = try server.messages().filter { $0.rcptTos == ["alex.example@example.org"] }
            #expect(alerts.count == 1)
            #expect(try acknowledgements(server, reference) == 0)
            let again = try await ws.pals(["daemon", "--once"], environment: ["PALS_SMTP_URL": server.url()])
            #expect(again.status == 0)
            #expect(try FileManager.default.contentsOfDirectory(atPath: printQueue.path).count == 2, "printed once")
        }
    }

    @Test("no automatic reply to an automatic mailbox, nor to a case acknowledged by phone")
    func loopProtection() async throws {
        try await withSMTPServer { server in
            let ws = try await TestWorkspace()
            defer { ws.folder.remove() }
            let text = try String(contentsOf: exampleComplaint, encoding: .utf8)
            let noreply = text.replacingOccurrences(of: "eira.example@example.org", with: "noreply@example.org")
            let robot = try await ws.pals(["case", "new", "--file", "-"], input: Data(noreply.utf8)).stdout
                .trimmingCharacters(in: .newlines)
            let phoned = text.replacingOccurrences(
                of: #""complexity": "standard""#, with: #""complexity": "standard", "acknowledged": true"#)
            let byPhone = try await ws.pals(["case", "new", "--file", "-"], input: Data(phoned.utf8)).stdout
                .trimmingCharacters(in: .newlines)
            let once = try await ws.pals(["daemon", "--once"], environment: ["PALS_SMTP_URL": server.url()])
            #expect(once.status == 0, "\(once)")
            #expect(try server.messages().allSatisfy { !$0.rcptTos.contains("noreply@example.org") })
            #expect(try acknowledgements(server, byPhone) == 0)
            let show = try await ws.pals(["case", "show", robot])
            #expect(show.stdout.contains("automatic mailbox"))
            #expect(once.stderr.contains("acknowledgement not made"))
            let again = try await ws.pals(["daemon", "--once"], environment: ["PALS_SMTP_URL": server.url()])
            #expect(
                !again.stderr.contains("acknowledgement not made"),
                "a flagged case waits for its officer: \(again.stderr)")
        }
    }

    @Test("at most autoMailPerRecipientPerHour acknowledgements go to one address; the rest wait, unflagged")
    func perRecipientCap() async throws {
        try await withSMTPServer { server in
            let ws = try await TestWorkspace()
            defer { ws.folder.remove() }
            var references: [String] = []
            for _ in 0..<7 { references.append(try await ws.logExample()) }
            let once = try await ws.pals(["daemon", "--once"], environment: ["PALS_SMTP_URL": server.url()])
            #expect(once.status == 0, "\(once)")
            let sent = try references.map { try acknowledgements(server, $0) }
            #expect(sent.reduce(0, +) == 5, "the starter configuration caps automatic mail at 5 an hour: \(sent)")
            let waiting = try await ws.pals(["deadlines", "--json"])
            #expect(
                waiting.stdout.contains("acknowledgement"), "the two that wait still show their acknowledgement due")
            #expect(!(try await ws.pals(["status"]).stdout.contains("Attention")), "waiting for the cap flags nothing")
        }
    }

    @Test("an officer's own acknowledgement marks the case, so the daemon sends none")
    func officerAcknowledgement() async throws {
        try await withSMTPServer { server in
            let ws = try await TestWorkspace()
            defer { ws.folder.remove() }
            let reference = try await ws.logExample()
            #expect(try await ws.pals(["letter", "acknowledgement", reference]).status == 0)
            let show = try await ws.pals(["case", "show", reference, "--json"])
            let record =
                (try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])?["case"]
                as? [String: Any]
            #expect(record?["acknowledgedAt"] != nil)
            #expect(try await ws.pals(["daemon", "--once"], environment: ["PALS_SMTP_URL": server.url()]).status == 0)
            #expect(try acknowledgements(server, reference) == 1, "the officer's letter, and no automatic one")
        }
    }

    @Test("--log-format json writes one JSON object a line, naming the case and never the complainant")
    func jsonLogs() async throws {
        try await withSMTPServer { server in
            let ws = try await TestWorkspace()
            defer { ws.folder.remove() }
            let reference = try await ws.logExample()
            let once = try await ws.pals(
                ["daemon", "--once", "--log-format", "json"], environment: ["PALS_SMTP_URL": server.url()])
            #expect(once.status == 0, "\(once)")
            let lines = once.stderr.split(separator: "\n")
            #expect(!lines.isEmpty)
            let objects = lines.compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String]
            }
            #expect(objects.count == lines.count, "every line is a JSON object: \(once.stderr)")
            #expect(objects.contains { $0["case"] == reference && $0["message"] != nil })
            for name in ["Eira", "Bryn", "Invented Street", "eira.example"] {
                #expect(!once.stderr.contains(name), "logs name no one: \(name)")
            }
        }
    }

    @Test("status reports the daemon, the outbox and the next deadlines")
    func status() async throws {
        try await withSMTPServer { server in
            let ws = try await TestWorkspace()
            defer { ws.folder.remove() }
            let reference = try await ws.logExample()
            let before = try await ws.pals(["status", "--json"])
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(before.stdout.utf8)) as? [String: Any])
            #expect((object["daemon"] as? [String: Any])?["running"] as? Bool == false)
            #expect(((object["nextDeadlines"] as? [[String: Any]])?.first)?["reference"] as? String == reference)
            let daemon = try DaemonProcess(ws, smtp: server)
            #expect(try await eventually { try acknowledgements(server, reference) == 1 })
            let during = try await ws.pals(["status"])
            #expect(during.stdout.contains("running (pid"))
            #expect(during.stdout.contains("Last sent   2"), "\(during.stdout)")
            let second = try await ws.pals(["daemon"], environment: ["PALS_SMTP_URL": server.url()])
            #expect(second.status != 0)
            #expect(second.stderr.contains("already runs"))
            #expect(await daemon.stop().status == 0)
        }
    }

    @Test("escalating a Scottish case to stage 2 sends the stage 2 acknowledgement, once")
    func stageTwoAcknowledgement() async throws {
        try await withSMTPServer { server in
            let ws = try await TestWorkspace()
            defer { ws.folder.remove() }
            let text = try String(contentsOf: exampleComplaint, encoding: .utf8)
                .replacingOccurrences(of: #""complexity": "standard""#, with: #""profile": "scotland""#)
            let reference = try await ws.pals(["case", "new", "--file", "-"], input: Data(text.utf8)).stdout
                .trimmingCharacters(in: .newlines)
            let environment = ["PALS_SMTP_URL": server.url(), "PALS_NOW": "2026-11-25T07:00:00Z"]
            #expect(try await ws.pals(["daemon", "--once"], environment: environment).status == 0)
            #expect(try acknowledgements(server, reference) == 1)
            #expect(try await ws.pals(["case", "update", reference, "--stage", "2"]).status == 0)
            #expect(try await ws.pals(["daemon", "--once"], environment: environment).status == 0)
            #expect(try await ws.pals(["daemon", "--once"], environment: environment).status == 0)
            #expect(try acknowledgements(server, reference) == 2)
            let show = try await ws.pals(["case", "show", reference])
            #expect(show.stdout.contains("stage 2 acknowledgement queued"))
        }
    }

    @Test("at reminder time on a working day each officer gets one digest, and only once")
    func digest() async throws {
        try await withSMTPServer { server in
            let ws = try await TestWorkspace()
            defer { ws.folder.remove() }
            // Received 28 October: the response (25 working days) is due on 2 December, inside the amber window.
            let text = try String(contentsOf: exampleComplaint, encoding: .utf8)
                .replacingOccurrences(of: "2026-11-23T10:15:00Z", with: "2026-10-28T10:00:00Z")
            #expect(try await ws.pals(["case", "new", "--file", "-"], input: Data(text.utf8)).status == 0)
            let early = ["PALS_SMTP_URL": server.url(), "PALS_NOW": "2026-11-25T08:00:00Z"]
            #expect(try await ws.pals(["daemon", "--once"], environment: early).status == 0)
            func digests() throws -> Int {
                try server.messages().filter {
                    $0.rcptTos == ["alex.example@example.org"]
                        && String(decoding: $0.data, as: UTF8.self).contains("Subject: Complaint deadlines for")
                }.count
            }
            #expect(try digests() == 0, "08:00 is before reminders.time")
            let later = ["PALS_SMTP_URL": server.url(), "PALS_NOW": "2026-11-25T09:00:00Z"]
            #expect(try await ws.pals(["daemon", "--once"], environment: later).status == 0)
            #expect(try await ws.pals(["daemon", "--once"], environment: later).status == 0)
            #expect(try digests() == 1)
            let saturday = ["PALS_SMTP_URL": server.url(), "PALS_NOW": "2026-11-28T09:00:00Z"]
            #expect(try await ws.pals(["daemon", "--once"], environment: saturday).status == 0)
            #expect(try digests() == 1, "no reminders on a Saturday")
        }
    }
}
