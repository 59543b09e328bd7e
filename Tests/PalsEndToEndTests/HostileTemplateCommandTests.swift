import Foundation
import PalsTestKit
import Testing

/// Issue 18: a workspace's templates edited into something hostile make `pals templates check` and
/// `pals preview` say what is wrong and exit, through the real binary; they never hang or print control codes.
@Suite("hostile templates through pals templates check and pals preview", .serialized, .timeLimit(.minutes(3)))
struct HostileTemplateCommandTests {
    /// Replaces `old` with `new` in the workspace's template `relative` (under Templates/).
    func edit(_ ws: TestWorkspace, _ relative: String, _ old: String, _ new: String) throws {
        let file = URL(filePath: ws.workspace).appending(path: "Templates/\(relative)")
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains(old), "\(relative) has no \(old)")
        try text.replacingOccurrences(of: old, with: new).write(to: file, atomically: true, encoding: .utf8)
    }

    @Test("a partial including itself twice is named by templates check and stops preview, without hanging")
    func selfIncludingPartial() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let reference = try await ws.logExample()
        // Walked without care this is 2^32 walks of the partial before the nesting limit stops them.
        try "{{> contact}}{{> contact}}\n".write(
            to: URL(filePath: ws.workspace).appending(path: "Templates/partials/en/contact.mustache"),
            atomically: true, encoding: .utf8)
        let check = try await ws.pals(["templates", "check"])
        #expect(check.status != 0)
        #expect(check.stderr.contains("partials/en/contact.mustache"), "\(check)")
        #expect(check.stderr.contains("partial contact includes itself"), "\(check)")
        let preview = try await ws.pals(["preview", "acknowledgement", reference])
        #expect(preview.status != 0)
        #expect(preview.stderr.contains("includes itself"), "\(preview)")
        #expect(preview.stdout.isEmpty, "no letter is printed")
    }

    @Test("an escape sequence inside a tag is refused, and no output carries the escape character")
    func escapeSequenceInTag() async throws {
        let ws = try await TestWorkspace()
        defer { ws.folder.remove() }
        let reference = try await ws.logExample()
        try edit(ws, "en/acknowledgement.mustache", "{{case.received}}", "{{case.\u{1B}]0;owned\u{7}received}}")
        let check = try await ws.pals(["templates", "check"])
        #expect(check.status != 0)
        #expect(check.stderr.contains("en/acknowledgement.mustache"), "\(check)")
        let preview = try await ws.pals(["preview", "acknowledgement", reference])
        #expect(preview.status != 0)
        for output in [check.stdout, check.stderr, preview.stdout, preview.stderr] {
            #expect(!output.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(output)")
        }
    }
}
