import Casework
import Foundation
import PalsTestKit
import Testing

@Suite("Idempotency keys expire: an old key is a new request, and old keys are swept as new ones are claimed")
struct WebUnitIdempotencyTests {
    @Test("within the hours a key is answered again; after them the same key is new, and other old keys are gone")
    func expiry() throws {
        let folder = try TemporaryFolder("web-idempotency")
        defer { folder.remove() }
        let records = WebRecords(register: try CaseRegister(url: folder.appending("register.sqlite")))
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let day: TimeInterval = 24 * 3600
        func claim(_ key: String, hash: String = "h", at now: Date) throws -> IdempotentAnswer? {
            try records.claimIdempotent(
                token: "site", key: key, requestHash: hash, now: now, forgettingBefore: now.addingTimeInterval(-day))
        }
        #expect(try claim("form-1", at: start) == nil, "a new key is claimed")
        try records.finishIdempotent(
            token: "site", key: "form-1", status: 201, contentType: "application/json", body: Data("{}".utf8))
        #expect(try claim("form-2", at: start) == nil)
        let retried = try claim("form-1", at: start.addingTimeInterval(day - 60))
        #expect(retried?.status == 201, "a retry within the hours gets the first answer")
        #expect(retried?.body == Data("{}".utf8))
        #expect(
            try claim("form-1", hash: "other", at: start.addingTimeInterval(day + 60)) == nil,
            "after the hours the same key (even with another body) is a new request")
        // form-2 was never finished; the sweep made it new again too.
        #expect(try claim("form-2", at: start.addingTimeInterval(day + 60)) == nil)
        #expect(try claim("form-2", at: start.addingTimeInterval(day + 61)) != nil, "and now it is remembered")
    }

    @Test("a clock that went back does not forget a key claimed in its future")
    func clockBack() throws {
        let folder = try TemporaryFolder("web-idempotency-back")
        defer { folder.remove() }
        let records = WebRecords(register: try CaseRegister(url: folder.appending("register.sqlite")))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        _ = try records.claimIdempotent(
            token: "site", key: "k", requestHash: "h", now: now, forgettingBefore: now.addingTimeInterval(-3600))
        let earlier = now.addingTimeInterval(-600)
        #expect(
            try records.claimIdempotent(
                token: "site", key: "k", requestHash: "h", now: earlier,
                forgettingBefore: earlier.addingTimeInterval(-3600)) != nil)
    }
}
