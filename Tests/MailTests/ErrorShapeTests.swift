import Foundation
import Mail
import Testing

/// Mail's errors have the one shape: a log form with the code, the field and Mail's own words, never the value.
@Suite struct MailErrorShape {
    @Test func theLogFormLeavesOutTheAddressAndEscapesControls() throws {
        let error = #expect(throws: MailError.self) {
            _ = try EmailAddress("jane.doe\r\nBcc: evil@example.org", field: "To")
        }
        let logged = try #require(error).description
        #expect(!logged.contains("jane.doe") && !logged.contains("evil"))
        #expect(!logged.contains("\r") && !logged.contains("\n"))
        #expect(logged.hasPrefix("invalid address (field To): "))
        #expect(error?.errorDescription?.contains(#"jane.doe\r\nBcc: evil@example.org"#) == true)
    }

    @Test func codesMatchInACatch() {
        do {
            _ = try EmailAddress("no-at-sign")
            Issue.record("accepted an address without @")
        } catch MailError.Code.invalidAddress {
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
