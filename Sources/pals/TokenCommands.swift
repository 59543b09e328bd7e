import ArgumentParser
import Casework
import Engine
import Foundation
import Primitives
import Web

/// `pals token …`: the bearer tokens of API clients.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Add, list and revoke the API's bearer tokens.",
        subcommands: [Add.self, List.self, Revoke.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a token and print it, once: only its hash is kept, so it cannot be shown again.",
            discussion: """
                Scopes: intake may only create cases (a website's complaint form); read reads cases, the board and \
                letter previews; write reads, creates cases and queues letters.
                """)
        @OptionGroup var options: WorkspaceOptions
        @Argument(help: "A name for the client, e.g. website (letters, digits, '.', '_', '-').") var name: String
        @Option(help: ArgumentHelp("intake, read or write.", valueName: "scope")) var scope: String

        func validate() throws {
            _ = try optionChoice(scope, "--scope") as TokenScope?
        }

        func run() async throws {
            let scope: TokenScope = try optionChoice(scope, "--scope")!
            let token = try options.webTokens().add(name: name, scope: scope)
            print(token)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tokens (names and scopes, never tokens).")
        @OptionGroup var options: WorkspaceOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let tokens = try options.webTokens(readOnly: true).records.tokens()
            if json {
                try printJSON(tokens)
                return
            }
            if tokens.isEmpty {
                print("No tokens: make one with `pals token add NAME --scope intake|read|write`.")
                return
            }
            let formatter = ISO8601DateFormatter()
            let width = max(4, tokens.map(\.name.count).max() ?? 0) + 2
            print("NAME".padding(toLength: width, withPad: " ", startingAt: 0) + "SCOPE   CREATED               STATE")
            for token in tokens {
                let state = token.revokedAt.map { "revoked \(formatter.string(from: $0))" } ?? "working"
                print(
                    token.name.padding(toLength: width, withPad: " ", startingAt: 0)
                        + token.scope.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
                        + formatter.string(from: token.createdAt) + "  " + state)
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a token: from now on every request with it is refused (401).")
        @OptionGroup var options: WorkspaceOptions
        @Argument(help: "The token's name.") var name: String

        func run() async throws {
            let tokens = try options.webTokens()
            try tokens.records.revokeToken(name: name, now: tokens.clock.now())
            print("Revoked \(name)")
        }
    }
}

extension WorkspaceOptions {
    /// The API tokens of the workspace's register.
    func webTokens(readOnly: Bool = false) throws -> APITokens {
        let book = try casebook(readOnly: readOnly)
        guard let register = book.register as? CaseRegister else { throw ValidationError("no case register") }
        return APITokens(records: WebRecords(register: register), clock: book.clock)
    }
}
