import Casework
package import Engine
package import Foundation
package import Mail

extension InMemoryTransport {
    /// The messages delivered (accepted) to `address`, as text, in order.
    package func delivered(to address: String) async -> [String] {
        await deliveries.filter { delivery in
            guard delivery.envelope.recipient.address.lowercased() == address.lowercased() else { return false }
            if case .delivered = delivery.outcome { return true }
            return false
        }.map { String(decoding: $0.data, as: UTF8.self) }
    }

    /// The subjects of the messages delivered to `address`, in order (unfolded; ASCII subjects only).
    package func subjects(to address: String) async -> [String] {
        await delivered(to: address).compactMap { text in
            text.components(separatedBy: "\r\n").first { $0.hasPrefix("Subject: ") }.map { String($0.dropFirst(9)) }
        }
    }

    /// How many attempts were made at `address`, whatever their outcome.
    package func attempts(at address: String) async -> Int {
        await deliveries.filter { $0.envelope.recipient.address.lowercased() == address.lowercased() }.count
    }
}

extension Daemon {
    /// Logs a complaint in the daemon's register (as `pals case new` would, without the signal); returns its
    /// reference.
    package func log(_ complaint: Data) throws -> String {
        try postroom.casebook.log(json: complaint).reference
    }
}
