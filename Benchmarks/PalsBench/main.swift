// pals-bench: the Swift side of `make bench` (driven by Benchmarks/run.py; see Benchmarks/README.md).
//
// Every subcommand prints one JSON object on standard output (progress goes to standard error), so
// run.py can read the figure. Timings are taken inside the process with a monotonic clock and exclude
// the set-up (opening the workspace, loading templates), unless the subcommand says otherwise.
//
//   pals-bench compose WORKSPACE REF SECONDS MODE
//       MODE: merge        LetterLibrary.merge from a ready context (strict render and markup → document)
//             mime         merge + text + HTML + MIME (text/HTML alternative, no attachment) from a ready context
//             prepare-mime LetterDesk.prepare (register read, deadlines, context, merge) + text + HTML + MIME
//             pdf          the PDF of the merged letter (cairo + pango)
//             full         LetterDesk.prepare + LetterDesk.compose: the exact queued message, PDF attached
//       Runs MODE for SECONDS on the calling thread; prints {"mode", "count", "seconds", "per_second", "bytes"}.
//   pals-bench context WORKSPACE REF        the merge context of the acknowledgement of REF, as JSON
//   pals-bench eml WORKSPACE REF OUT        writes the composed acknowledgement (PDF attached) of REF to OUT
//   pals-bench smtp URL EML COUNT LANES     CurlSMTPTransport: COUNT copies of EML (one envelope each, distinct
//                                           recipients) in one batch over LANES connections; plain SMTP, loopback only
//   pals-bench outbox-smtp FOLDER URL EML COUNT LANES
//                                           queues COUNT copies of EML in a new Outbox at FOLDER (timed apart), then
//                                           times OutboxSender(lanes: LANES, batchSize: 10).drain() over SMTP
//   pals-bench register WORKSPACE COUNT NOW [FIRST]
//                                           logs COUNT invented, acknowledged England cases through CaseRegister.create,
//                                           received on the 10 working days before NOW (ISO 8601)
//   pals-bench fill-outbox WORKSPACE COUNT  queues COUNT small messages in the workspace's Outbox and sends them
//                                           with the in-memory transport, so they end in the sent archive
//   pals-bench outbox-audit FOLDER          the keys and Message-IDs of an Outbox's sent and held messages

import Casework
import Engine
import Foundation
import Letters
import Mail
import Outbox
import Primitives
import WorkingDays

// MARK: Plumbing

func fail(_ text: String) -> Never {
    FileHandle.standardError.write(Data(("pals-bench: " + text + "\n").utf8))
    exit(1)
}

func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

func emit(_ object: [String: Any]) {
    guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else {
        fail("cannot encode the result")
    }
    print(String(decoding: data, as: UTF8.self))
}

let monotonic = ContinuousClock()

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

/// Opens a workspace with a clock fixed at `PALS_NOW` when set (as `pals` does), else the system clock.
func openCasebook(_ path: String) -> Casebook {
    let environment = ProcessInfo.processInfo.environment
    var clock = WallClock.system
    if let raw = environment["PALS_NOW"], !raw.isEmpty {
        guard let instant = ISO8601DateFormatter().date(from: raw) else { fail("PALS_NOW '\(raw)' is not ISO 8601") }
        clock = .fixed(instant)
    }
    do {
        let workspace = try Workspace.open(at: URL(fileURLWithPath: path), environment: environment)
        return try Casebook(workspace: workspace, clock: clock)
    } catch {
        fail("cannot open the workspace \(path): \(error)")
    }
}

func json(_ value: MergeValue) -> Any {
    switch value {
    case .string(let text): return text
    case .bool(let flag): return flag
    case .list(let items): return items.map(json)
    case .object(let fields): return fields.mapValues(json)
    }
}

func readFile(_ path: String) -> Data {
    guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
    return data
}

/// `count` copies of a message, each to its own recipient (one envelope per recipient, as pals sends).
func copies(of data: Data, count: Int) -> [OutgoingMessage] {
    do {
        let sender = try EmailAddress("pals-bench@riverside.example")
        return try (0..<count).map { index in
            OutgoingMessage(
                envelope: Envelope(sender: sender, recipient: try EmailAddress("complainant-\(index)@example.org")),
                data: data, label: "bench-\(index)")
        }
    } catch {
        fail("cannot make envelopes: \(error)")
    }
}

func smtpConfiguration(_ url: String, lanes: Int) -> SMTPConfiguration {
    var configuration = SMTPConfiguration(url: url)
    configuration.tls = .disabled  // refused by Mail for anything but a loopback server
    configuration.lanes = lanes
    configuration.connectTimeout = .seconds(10)
    configuration.commandTimeout = .seconds(60)
    configuration.finalReplyTimeout = .seconds(60)
    return configuration
}

// MARK: Subcommands

func compose(_ arguments: [String]) throws {
    guard arguments.count >= 4, let duration = Double(arguments[2]) else {
        fail("usage: pals-bench compose WORKSPACE REF SECONDS MODE")
    }
    let book = openCasebook(arguments[0])
    let reference = arguments[1]
    let mode = arguments[3]
    let desk = try LetterDesk(casebook: book)
    let record = try book.register.get(reference)
    let language = LetterLanguage(rawValue: record.complainant.language.rawValue) ?? .english
    let context = try desk.context(for: record, kind: .acknowledgement, language: language, inputs: [:])
    let mail = book.workspace.configuration.mail
    let from = try Mailbox(displayName: mail.fromName.isEmpty ? nil : mail.fromName, address: mail.fromAddress)
    let to = try Mailbox(displayName: record.complainant.fullName, address: record.complainant.email ?? "")
    let date = book.clock.now()

    func mime(_ merged: MergedLetter) throws -> Int {
        let message = MailMessage(
            from: from, to: [to], subject: merged.subject, text: merged.text, html: merged.html,
            autoSubmitted: .autoReplied)
        return try message.composed(date: date, timeZone: .europeLondon).data.count
    }

    let step: () throws -> Int
    switch mode {
    case "merge":
        step = {
            try desk.library.merge(kind: .acknowledgement, language: language, context: context).document.blocks.count
        }
    case "mime":
        step = { try mime(try desk.library.merge(kind: .acknowledgement, language: language, context: context)) }
    case "prepare-mime":
        step = { try mime(try desk.prepare(.acknowledgement, reference: reference, inputs: [:]).merged) }
    case "pdf":
        let merged = try desk.library.merge(kind: .acknowledgement, language: language, context: context)
        step = { try merged.pdf(creationDate: date).count }
    case "full":
        step = {
            let letter = try desk.prepare(.acknowledgement, reference: reference, inputs: [:])
            return try desk.compose(letter, date: date).data.count
        }
    default:
        fail("unknown compose mode \(mode)")
    }
    // Warm up (first-use costs: font loading, caches), then run for the given time.
    var bytes = 0
    for _ in 0..<3 { bytes = try step() }
    var count = 0
    let start = monotonic.now
    let end = start + .milliseconds(Int(duration * 1000))
    repeat {
        for _ in 0..<10 { bytes = try step() }
        count += 10
    } while monotonic.now < end
    let elapsed = seconds(monotonic.now - start)
    emit(["mode": mode, "count": count, "seconds": elapsed, "per_second": Double(count) / elapsed, "bytes": bytes])
}

func context(_ arguments: [String]) throws {
    guard arguments.count >= 2 else { fail("usage: pals-bench context WORKSPACE REF") }
    let book = openCasebook(arguments[0])
    let desk = try LetterDesk(casebook: book)
    let record = try book.register.get(arguments[1])
    let language = LetterLanguage(rawValue: record.complainant.language.rawValue) ?? .english
    let context = try desk.context(for: record, kind: .acknowledgement, language: language, inputs: [:])
    let letter = try desk.prepare(.acknowledgement, reference: arguments[1], inputs: [:])
    let mail = book.workspace.configuration.mail
    emit([
        "context": context.root.mapValues(json), "subject": letter.merged.subject,
        "from": ["name": mail.fromName, "address": mail.fromAddress],
        "to": ["name": record.complainant.fullName, "address": record.complainant.email ?? ""],
        "text": letter.merged.text, "html": letter.merged.html,
    ])
}

func eml(_ arguments: [String]) throws {
    guard arguments.count >= 3 else { fail("usage: pals-bench eml WORKSPACE REF OUT") }
    let book = openCasebook(arguments[0])
    let desk = try LetterDesk(casebook: book)
    let letter = try desk.prepare(.acknowledgement, reference: arguments[1], inputs: [:])
    let composed = try desk.compose(letter, date: book.clock.now())
    try composed.data.write(to: URL(fileURLWithPath: arguments[2]))
    emit(["bytes": composed.data.count, "pdf_bytes": try letter.pdf().count])
}

func smtp(_ arguments: [String]) async throws {
    guard arguments.count >= 4, let count = Int(arguments[2]), let lanes = Int(arguments[3]) else {
        fail("usage: pals-bench smtp URL EML COUNT LANES")
    }
    let batch = copies(of: readFile(arguments[1]), count: count)
    let transport = try CurlSMTPTransport(configuration: smtpConfiguration(arguments[0], lanes: lanes))
    let start = monotonic.now
    let results = await transport.deliver(batch)
    let elapsed = seconds(monotonic.now - start)
    let delivered = results.filter(\.outcome.isDelivered).count
    if delivered != count, let bad = results.first(where: { !$0.outcome.isDelivered }) {
        note("not delivered: \(bad.outcome)")
    }
    emit([
        "count": count, "delivered": delivered, "lanes": lanes, "seconds": elapsed,
        "per_second": Double(delivered) / elapsed,
    ])
}

func outboxSMTP(_ arguments: [String]) async throws {
    guard arguments.count >= 5, let count = Int(arguments[3]), let lanes = Int(arguments[4]) else {
        fail("usage: pals-bench outbox-smtp FOLDER URL EML COUNT LANES")
    }
    let outbox = try Outbox(folder: URL(fileURLWithPath: arguments[0]), clock: .system)
    let messages = copies(of: readFile(arguments[2]), count: count)
    let queueing = monotonic.now
    for (index, message) in messages.enumerated() {
        _ = try outbox.queue(
            message: message, key: "bench-\(index)", labels: MessageLabels(kind: "bench").dictionary)
    }
    let queueSeconds = seconds(monotonic.now - queueing)
    let sender = try OutboxSender(
        outbox: outbox, transport: try CurlSMTPTransport(configuration: smtpConfiguration(arguments[1], lanes: lanes)),
        lanes: lanes, batchSize: 10)
    let start = monotonic.now
    let report = await sender.drain()
    let elapsed = seconds(monotonic.now - start)
    emit([
        "count": count, "delivered": report.delivered, "held": report.held, "deferred": report.deferred,
        "failed": report.failed, "lanes": lanes, "seconds": elapsed, "per_second": Double(report.delivered) / elapsed,
        "queue_seconds": queueSeconds,
        "queue_and_send_per_second": Double(report.delivered) / (queueSeconds + elapsed),
    ])
}

/// Invented people only.
let firstNames = ["Eira", "Bryn", "Alys", "Cai", "Megan", "Idris", "Nia", "Owain", "Ffion", "Rhys", "Tomos", "Seren"]
let lastNames = ["Example", "Sample", "Specimen", "Placeholder", "Testcase", "Dummy", "Mock", "Fictional"]
let services = ["Emergency Department", "Outpatients", "Maternity", "Radiology", "Pharmacy", "Ward 7"]

func register(_ arguments: [String]) throws {
    guard arguments.count >= 3, let count = Int(arguments[1]),
        let now = ISO8601DateFormatter().date(from: arguments[2])
    else { fail("usage: pals-bench register WORKSPACE COUNT NOW [FIRST]") }
    let first = arguments.count >= 4 ? Int(arguments[3]) ?? 0 : 0
    let book = openCasebook(arguments[0])
    let configuration = book.workspace.configuration
    let officers = configuration.officers.map(\.id)
    let complexities = configuration.deadlines.targets.keys.sorted()
    // Receipt days: the 10 working days before `now` (England and Wales), so every case is green (nothing due
    // today, nothing amber) and an idle daemon pass at `now` finds nothing to send.
    let calendar = try DeadlineDesk(workspace: book.workspace).calculator(.england).calendar
    var days: [CivilDate] = []
    var day = CivilDate(now).adding(days: -1)
    while days.count < 10 {
        if calendar.isWorkingDay(day) { days.append(day) }
        day = day.adding(days: -1)
    }
    let template = """
        {"received": "2026-01-05", "channel": "email",
         "complainant": {"title": "Ms", "firstName": "Eira", "lastName": "Example",
           "address": ["12 Invented Street", "Exampleton"], "postcode": "EX1 2ZZ",
           "email": "eira.example@example.org", "phone": "01632 960123", "preferredContact": "email"},
         "summary": "INVENTED: a delay in the emergency department was not explained.",
         "service": "Emergency Department", "officer": "\(officers[0])", "acknowledged": true}
        """
    let rules = CaseForm.Rules(
        officers: Set(officers), defaultProfile: .england, complexities: Set(complexities), now: now,
        isEmailAddress: { (try? EmailAddress($0)) != nil })
    let base = try CaseForm.parse(json: Data(template.utf8), rules: rules)
    let start = monotonic.now
    for number in first..<(first + count) {
        var form = base
        let receivedDay = days[number % days.count]
        form.receivedAt = receivedDay.date(hour: 9 + number % 8, minute: number % 60)
        form.complainant.firstName = firstNames[number % firstNames.count]
        form.complainant.lastName = lastNames[(number / firstNames.count) % lastNames.count]
        form.complainant.email = "complainant-\(number)@example.org"
        form.service = services[number % services.count]
        form.officer = officers[number % officers.count]
        form.complexity = complexities[number % complexities.count]
        if number % 3 == 0 {
            form.patient = Patient(title: "Mr", firstName: "Bryn", lastName: lastNames[number % lastNames.count])
            form.consent = .received
        }
        _ = try book.register.create(form, pattern: configuration.referencePattern, now: now)
        if (number - first + 1) % 10_000 == 0 { note("  \(number - first + 1) cases logged") }
    }
    let elapsed = seconds(monotonic.now - start)
    emit(["count": count, "seconds": elapsed, "per_second": Double(count) / elapsed])
}

func fillOutbox(_ arguments: [String]) async throws {
    guard arguments.count >= 2, let count = Int(arguments[1]) else {
        fail("usage: pals-bench fill-outbox WORKSPACE COUNT")
    }
    let book = openCasebook(arguments[0])
    let outbox = try Outbox(folder: book.workspace.outboxURL, clock: .system)
    let from = try Mailbox(displayName: "Complaints Team", address: "complaints@riverside.example")
    let start = monotonic.now
    for index in 0..<count {
        let message = MailMessage(
            from: from, to: [try Mailbox(address: "complainant-\(index)@example.org")],
            subject: "Your complaint BENCH-\(index)",
            text: "Thank you for your complaint, which we received today. An officer will contact you.\n"
                + String(repeating: "We aim to respond within 25 working days. ", count: 12) + "\n",
            autoSubmitted: .autoReplied)
        for outgoing in try message.composed(date: Date()).outgoing() {
            _ = try outbox.queue(
                message: outgoing, key: "bench-fill-\(index)", labels: MessageLabels(kind: "bench").dictionary)
        }
    }
    let sender = try OutboxSender(outbox: outbox, transport: InMemoryTransport(), lanes: 2, batchSize: 50)
    let report = await sender.drain()
    let elapsed = seconds(monotonic.now - start)
    emit(["count": count, "sent": report.delivered, "seconds": elapsed])
}

func outboxAudit(_ arguments: [String]) throws {
    guard arguments.count >= 1 else { fail("usage: pals-bench outbox-audit FOLDER") }
    let outbox = try Outbox(folder: URL(fileURLWithPath: arguments[0]), clock: .system)
    let sent = try outbox.archive.list()
    let held = try outbox.list(state: .hold)
    let counts = outbox.counts()
    emit([
        "sent": sent.map { ["key": $0.key, "message_id": $0.messageID ?? ""] },
        "held": held.map { ["key": $0.key, "message_id": $0.messageID ?? "", "reason": $0.reason ?? ""] },
        "counts": Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }),
    ])
}

// MARK: Main

let arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first else {
    fail("usage: pals-bench compose|context|eml|smtp|outbox-smtp|register|fill-outbox|outbox-audit …")
}
let rest = Array(arguments.dropFirst())
do {
    switch command {
    case "compose": try compose(rest)
    case "context": try context(rest)
    case "eml": try eml(rest)
    case "smtp": try await smtp(rest)
    case "outbox-smtp": try await outboxSMTP(rest)
    case "register": try register(rest)
    case "fill-outbox": try await fillOutbox(rest)
    case "outbox-audit": try outboxAudit(rest)
    default: fail("unknown command \(command)")
    }
} catch {
    fail("\(command) failed: \(error)")
}
