import Foundation
import PalsTestKit
import Testing

/// Coding complaints and making the KO41 return through the real `pals` binary, on a real register.
@Suite("pals case code and pals report, run as a real binary", .serialized)
struct ReportCommandTests {
    /// Logs the example complaint received on `received` (optionally a concern); returns its reference.
    static func log(_ ws: TestWorkspace, received: String, kind: String = "complaint") async throws -> String {
        let text = try String(contentsOf: exampleComplaint, encoding: .utf8)
            .replacingOccurrences(of: "2026-11-23T10:15:00Z", with: received)
            .replacingOccurrences(of: "\"officer\": \"alex\",", with: "\"officer\": \"alex\", \"kind\": \"\(kind)\",")
        let result = try await ws.pals(["case", "new", "--file", "-"], input: Data(text.utf8))
        #expect(result.status == 0, "\(result)")
        return result.stdout.trimmingCharacters(in: .newlines)
    }

    @Test("a year's complaints are checked, coded, closed with outcomes and counted in KO41a as CSV and JSON")
    func codeCheckAndReturn() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let carried = try await Self.log(ws, received: "2025-12-01T10:00:00Z")
        let may = try await Self.log(ws, received: "2026-05-10T10:00:00Z")
        let november = try await Self.log(ws, received: "2026-11-23T10:15:00Z")
        let concern = try await Self.log(ws, received: "2026-06-01T10:00:00Z", kind: "concern")

        // Nothing is coded: the check names this year's complaints, by reference only, and fails.
        let check = try await ws.pals(["report", "check", "--year", "2026-27"])
        #expect(check.status == 1, "\(check)")
        #expect(check.stdout.contains("\(may): missing subject, service area, profession"), "\(check)")
        #expect(check.stdout.contains(november))
        #expect(!check.stdout.contains(carried), "received in 2025-26: not this return's to code")
        #expect(!check.stdout.contains(concern), "a concern is not a complaint")
        #expect(!(check.stdout + check.stderr).contains("Eira") && !(check.stdout + check.stderr).contains("Bryn"))
        let everything = try await ws.pals(["report", "check"])
        #expect(everything.status == 1 && everything.stdout.contains(carried), "\(everything)")
        let refused = try await ws.pals(["report", "ko41a", "--year", "2026-27"])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("2 complaints lack"), "\(refused)")
        #expect(refused.stderr.contains("pals report check"), "\(refused)")

        for reference in [may, november] {
            let coded = try await ws.pals([
                "case", "code", reference, "--subject", "communications", "--subject", "clinical-treatment",
                "--service-area", "accident-and-emergency", "--profession", "medical", "--profession",
                "nursing-midwifery", "--complainant-status", "relative-or-carer", "--age-band", "65-and-over",
            ])
            #expect(coded.status == 0, "\(coded)")
        }
        #expect(try await ws.pals(["case", "code", carried, "--subject", "waiting-times"]).status == 0)

        // A complaint closes only with its outcome; the advice names the option.
        let bare = try await ws.pals(["case", "close", may])
        #expect(bare.status == 1, "\(bare)")
        #expect(bare.stderr.contains("needs its outcome"), "\(bare)")
        #expect(bare.stderr.contains("--outcome"), "\(bare)")
        #expect(try await ws.pals(["case", "close", may, "--outcome", "upheld"]).status == 0)
        #expect(try await ws.pals(["case", "close", concern]).status == 0, "a concern closes without one")
        let history = try await ws.pals(["case", "show", may])
        #expect(history.stdout.contains("coded"), "\(history)")

        let clean = try await ws.pals(["report", "check", "--year", "2026-27"])
        #expect(clean.status == 0, "\(clean)")

        // The figures, from the rules: one brought forward (received 2025-26, still open), two new, one upheld,
        // two carried forward; both new complaints under each of their two subjects and professions.
        let csv = try await ws.pals(["report", "ko41a", "--year", "2026-27"])
        #expect(csv.status == 0, "\(csv)")
        let lines = Set(csv.stdout.split(separator: "\n").map(String.init))
        for expected in [
            "summary,brought-forward,Brought forward from the previous year,1", "summary,new,New complaints received,2",
            "summary,upheld,Resolved: upheld,1", "summary,resolved,Total resolved,1",
            "summary,carried-forward,Carried forward to the next year,2", "age-of-patient,65-and-over,65 and over,2",
            "subject,communications,Communications,2", "subject,clinical-treatment,Clinical treatment,2",
            "service-area,accident-and-emergency,Accident and emergency,2",
            "profession,medical,\"Medical, including surgical\",2",
            "subject,waiting-times,Waiting times,0",
        ] {
            #expect(lines.contains(expected), "missing \(expected) in \(csv.stdout)")
        }
        let json = try await ws.pals(["report", "ko41a", "--year", "2026-27", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let summary = try #require(object["summary"] as? [String: Any])
        #expect(summary["new"] as? Int == 2)
        #expect(object["collection"] as? String == "KO41a")

        let ko41b = try await ws.pals(["report", "ko41b", "--year", "2026-27"])
        #expect(ko41b.status == 1)
        #expect(ko41b.stderr.contains("submits KO41a"), "\(ko41b)")
    }

    @Test(
        "a bad year is refused naming the form expected",
        arguments: [
            ("2026-28", "2026-27"), ("0001-02", "2009-10"), ("2026", "2026-27"), ("2026-27; rm -rf /", "2026-27"),
        ])
    func badYear(year: String, hint: String) async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        for command in [["report", "ko41a"], ["report", "check"]] {
            let result = try await ws.pals(command + ["--year", year])
            #expect(result.status == 64, "\(result)")
            #expect(result.stderr.contains(hint), "\(result)")
        }
    }

    @Test("careless coding is refused naming the allowed values; nothing is stored")
    func carelessCoding() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let reference = try await ws.logExample()
        let subject = try await ws.pals(["case", "code", reference, "--subject", "Parking"])
        #expect(subject.status == 1, "\(subject)")
        #expect(subject.stderr.contains("subject 'Parking' is not one of: access-to-treatment-or-drugs"), "\(subject)")
        let band = try await ws.pals(["case", "code", reference, "--age-band", "90+"])
        #expect(band.status == 64, "\(band)")
        #expect(band.stderr.contains("0-17, 18-64, 65-and-over, unknown"), "\(band)")
        let outcome = try await ws.pals(["case", "code", reference, "--outcome", "upheld"])
        #expect(outcome.status == 1, "\(outcome)")
        #expect(outcome.stderr.contains("an outcome is recorded when the complaint is responded to"), "\(outcome)")
        let nothing = try await ws.pals(["case", "code", reference])
        #expect(nothing.status == 64, "\(nothing)")
        let history = try await ws.pals(["case", "show", reference])
        #expect(!history.stdout.contains("coded"), "\(history)")
    }

    @Test("an ombudsman referral and its result are recorded; steps out of order are refused")
    func ombudsman() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let reference = try await ws.logExample()
        let early = try await ws.pals(["case", "ombudsman", reference, "--result", "upheld", "--on", "2026-11-25"])
        #expect(early.status == 1 && early.stderr.contains("record the referral first"), "\(early)")
        let halfway = try await ws.pals(["case", "ombudsman", reference, "--result", "upheld"])
        #expect(halfway.status == 64 && halfway.stderr.contains("--on"), "\(halfway)")
        let unknown = try await ws.pals(["case", "ombudsman", reference, "--result", "sort-of", "--on", "2026-11-25"])
        #expect(unknown.status == 64 && unknown.stderr.contains("not-investigated, upheld"), "\(unknown)")
        let referred = try await ws.pals(["case", "ombudsman", reference, "--referred", "2026-11-24"])
        #expect(referred.status == 0, "\(referred)")
        let result = try await ws.pals(["case", "ombudsman", reference, "--result", "not-upheld", "--on", "2026-11-25"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("not upheld, 2026-11-25"), "\(result)")
        let history = try await ws.pals(["case", "show", reference])
        #expect(history.stdout.contains("referred to the ombudsman on 2026-11-24"), "\(history)")
    }
}
