import ArgumentParser
import Engine
import Foundation

/// A line of `pals templates check` for a default template the folder has lost.
func missingTemplateLine(_ path: String) -> String {
    "\(path): missing (a default template pals needs; `pals templates restore` writes it back)"
}

extension TemplatesCommand {
    /// `pals templates restore`.
    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Write back the default templates missing from the workspace's Templates/ (changes no existing file)."
        )

        @OptionGroup var options: WorkspaceOptions

        func run() async throws {
            let url = try options.open().templatesURL
            let restored = try DefaultTemplates.restore(into: url)
            if restored.isEmpty {
                print("\(url.path): no default template is missing")
                return
            }
            for path in restored { print("restored \(path)") }
        }
    }
}
