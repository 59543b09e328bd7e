import ArgumentParser
import Casework
import Engine
import Foundation
import Primitives

/// `pals audit REF`: who viewed a case and what they did, over the web (the NHS record-access audit).
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Show who viewed a case and what they did over the web and the API, oldest first."
    )

    @OptionGroup var options: WorkspaceOptions
    @Argument(help: "The case reference.") var reference: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let book = try options.casebook(readOnly: true)
        guard let register = book.register as? CaseRegister else { throw ValidationError("no case register") }
        _ = try register.get(reference)  // an unknown reference is an error, not an empty trail
        let entries = try WebRecords(register: register).audit(reference: reference)
        if json {
            try printJSON(entries)
            return
        }
        if entries.isEmpty {
            print("\(reference): nothing recorded over the web yet")
            return
        }
        let formatter = ISO8601DateFormatter()
        for entry in entries {
            let detail = entry.detail.map { " (\($0))" } ?? ""
            print(
                "\(formatter.string(from: entry.at))  \(entry.actor.description.escapingControls)  "
                    + "\(entry.action.rawValue)\(detail.escapingControls)")
        }
    }
}
