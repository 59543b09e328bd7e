import ArgumentParser
import Casework
import Engine
import Foundation
import Primitives
import Web

/// `pals user …`: the accounts of the officers' web app (`pals serve`).
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Add, list and disable the accounts that sign in to the officers' web app.",
        subcommands: [Add.self, List.self, Disable.self, Password.self, SignInCode.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an account; the password is asked for (not shown), or read from --password-file.",
            discussion: """
                An officer sees their own cases and those of officers in the same team (officers[].team in \
                pals.yaml); a manager sees every case. An officer account is linked to the officer id its cases \
                use: --officer, else the account's name when that is an officer id.
                """
        )

        @OptionGroup var options: WorkspaceOptions
        @Argument(help: "The sign-in name: lower-case letters, digits, '.', '_' or '-'.") var name: String
        @Option(help: ArgumentHelp("officer or manager.", valueName: "role")) var role: String
        @Option(help: ArgumentHelp("The officer id of this person's cases (default: the name).", valueName: "id"))
        var officer: String?
        @Option(help: ArgumentHelp("A file whose first line is the password (mode 600).", valueName: "file"))
        var passwordFile: String?

        func validate() throws {
            _ = try optionChoice(role, "--role") as AccountRole?
            guard UserAccount.isValidName(name) else {
                throw ValidationError(
                    "'\(name)' cannot be a user name: use 1 to 64 lower-case letters, digits, '.', '_' or '-'")
            }
        }

        func run() async throws {
            let role: AccountRole = try optionChoice(role, "--role")!
            let book = try options.casebook()
            guard let register = book.register as? CaseRegister else {
                throw ValidationError("the workspace has no register")
            }
            let officers = book.workspace.configuration.officers.map(\.id)
            var linked = officer
            if linked == nil, officers.contains(name) { linked = name }
            if let linked, !officers.contains(linked) {
                throw ValidationError(
                    "--officer '\(linked)' is not an officer of this workspace (known: \(officers.joined(separator: ", ")))"
                )
            }
            if role == .officer, linked == nil {
                throw ValidationError(
                    "an officer account needs --officer ID, one of: \(officers.joined(separator: ", "))")
            }
            let password = try PasswordInput.read(file: passwordFile, confirm: true)
            if let problem = Passwords.problem(password) { throw ValidationError(problem) }
            let account = UserAccount(
                name: name, role: role, officer: linked, passwordHash: Passwords.hash(password),
                createdAt: book.clock.now())
            try UserDirectory(register: register).add(account)
            print("Added \(role.rawValue) \(name)" + (linked.map { " (officer \($0))" } ?? ""))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the accounts.")
        @OptionGroup var options: WorkspaceOptions

        func run() async throws {
            let book = try options.casebook(readOnly: true)
            guard let register = book.register as? CaseRegister else { return }
            let now = book.clock.now()
            let accounts = try UserDirectory(register: register).accounts()
            if accounts.isEmpty {
                print("No accounts yet: add one with `pals user add NAME --role officer|manager`.")
                return
            }
            let width = max(4, accounts.map(\.name.count).max() ?? 0) + 2
            print("NAME".padding(toLength: width, withPad: " ", startingAt: 0) + "ROLE     OFFICER     STATE")
            for account in accounts {
                let state =
                    account.isDisabled
                    ? "disabled" : account.isLocked(at: now) ? "locked after failed sign-ins" : "active"
                print(
                    account.name.padding(toLength: width, withPad: " ", startingAt: 0)
                        + account.role.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
                        + (account.officer ?? "-").padding(toLength: 12, withPad: " ", startingAt: 0) + state
                        + (account.totpSecret == nil ? "" : ", sign-in codes"))
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable an account: it can no longer sign in, and its sessions end now.")
        @OptionGroup var options: WorkspaceOptions
        @Argument(help: "The sign-in name.") var name: String

        func run() async throws {
            let book = try options.casebook()
            guard let register = book.register as? CaseRegister else { return }
            try UserDirectory(register: register).disable(name)
            print("Disabled \(name)")
        }
    }

    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a new password for an account (also unlocks it; its sessions end).")
        @OptionGroup var options: WorkspaceOptions
        @Argument(help: "The sign-in name.") var name: String
        @Option(help: ArgumentHelp("A file whose first line is the password (mode 600).", valueName: "file"))
        var passwordFile: String?

        func run() async throws {
            let book = try options.casebook()
            guard let register = book.register as? CaseRegister else { return }
            let password = try PasswordInput.read(file: passwordFile, confirm: true)
            if let problem = Passwords.problem(password) { throw ValidationError(problem) }
            try UserDirectory(register: register).setPassword(name, hash: Passwords.hash(password))
            print("Set a new password for \(name)")
        }
    }

    struct SignInCode: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "totp",
            abstract: "Turn on sign-in codes from an authenticator app for an account (or --remove them).",
            discussion: """
                Prints the secret and an otpauth:// address once: give them to the person to add to their \
                authenticator app (type the secret, or make a QR code of the address). From then on, signing in \
                asks for the app's 6-digit code after the password. Running it again replaces the secret.
                """
        )
        @OptionGroup var options: WorkspaceOptions
        @Argument(help: "The sign-in name.") var name: String
        @Flag(help: "Turn sign-in codes off for the account.") var remove = false

        func run() async throws {
            let book = try options.casebook()
            guard let register = book.register as? CaseRegister else { return }
            let directory = UserDirectory(register: register)
            if remove {
                try directory.setTOTP(name, secret: nil)
                print("Sign-in codes are off for \(name): the password alone signs in.")
                return
            }
            let secret = SignInCodes.newSecret()
            try directory.setTOTP(name, secret: secret)
            print("Sign-in codes are on for \(name). Add this to their authenticator app (shown only now):")
            print("  secret: \(SignInCodes.base32(secret))")
            print("  \(SignInCodes.enrolmentURI(secret: secret, account: name))")
        }
    }
}

/// Reads a password from a file's first line, or from the terminal without echoing it.
enum PasswordInput {
    static func read(file: String?, confirm: Bool) throws -> String {
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read the password file \(file)")
            }
            return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
                .first.map(String.init)?.trimmingCharacters(in: CharacterSet(charactersIn: "\r")) ?? ""
        }
        guard isatty(STDIN_FILENO) == 1 else {
            return readLine(strippingNewline: true) ?? ""
        }
        let first = prompt("Password: ")
        if confirm, prompt("Password again: ") != first { throw ValidationError("the two passwords differ") }
        return first
    }

    /// Asks on standard error and reads a line with echo off.
    private static func prompt(_ text: String) -> String {
        FileHandle.standardError.write(Data(text.utf8))
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true) ?? ""
    }
}
