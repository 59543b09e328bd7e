package import Logging

extension Logger {
    /// The logger the outbox uses when its caller gives none: it drops everything, so a library never writes to
    /// the terminal by itself (the executable passes its own logger; tests pass an in-memory one when they look).
    package static let outboxSilent = Logger(label: "pals.outbox", factory: { _ in SwiftLogNoOpLogHandler() })
}
