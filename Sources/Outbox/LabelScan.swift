internal import Foundation
internal import Logging

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

extension Outbox {
    /// Every value of the label `name` on any message in any state (queued to sent), read from the sidecars alone:
    /// no message file is opened and no date decoded, so a scan of tens of thousands of messages stays around a
    /// second. `pals case new` uses it so a new case reference is never one a message already carries.
    ///
    /// - Parameter idsFrom: messages whose id sorts before this text are skipped; ids begin with the queueing time
    ///   (`yyyyMMddT…Z`), so `"2025"` skips everything queued before 2025.
    package func labelValues(_ name: String, idsFrom: String = "") -> Set<String> {
        struct Sidecar: Decodable { var labels: [String: String] }
        let decoder = JSONDecoder()
        var values = Set<String>()
        var buffer = [UInt8](repeating: 0, count: 16_384)
        for state in OutboxState.allCases {
            for (id, location) in locations(in: state) where id >= idsFrom {
                // A sidecar that cannot be opened safely is skipped; `show` and `list` report it.
                let path = location.metaFolder + "/\(id).json"
                guard let data = Self.readSidecar(path, buffer: &buffer) else { continue }
                do {
                    if let value = try decoder.decode(Sidecar.self, from: data).labels[name] { values.insert(value) }
                } catch {
                    // Its labels are unknown, so a value it carries may be missed: say so.
                    logger.warning(
                        "outbox: a message's labels cannot be read for a label scan",
                        metadata: ["outbox.id": "\(id)", "outbox.label": "\(name)"])
                }
            }
        }
        return values
    }

    /// A sidecar's bytes, never through a link; nil when it cannot be read.
    private static func readSidecar(_ path: String, buffer: inout [UInt8]) -> Data? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var data = Data()
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count < 0 { return nil }
            if count == 0 { return data }
            data.append(contentsOf: buffer[0..<count])
        }
    }
}
