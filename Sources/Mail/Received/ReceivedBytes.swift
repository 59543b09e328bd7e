internal import Foundation

/// Byte searches over a whole message, done with `memchr` so a 30 MiB message is scanned quickly even in a debug
/// build (where a generic element-by-element search is slow).
enum ReceivedBytes {
    /// The index of the first line feed at or after `start`, or `bytes.endIndex` when there is none.
    static func lineFeed(in bytes: ArraySlice<UInt8>, from start: Int) -> Int {
        guard start < bytes.endIndex else { return bytes.endIndex }
        return bytes.withUnsafeBufferPointer { buffer -> Int in
            guard let base = buffer.baseAddress else { return bytes.endIndex }
            let offset = start - bytes.startIndex
            guard let found = memchr(base + offset, 0x0A, buffer.count - offset) else { return bytes.endIndex }
            return bytes.startIndex + (UnsafeRawPointer(found) - UnsafeRawPointer(base))
        }
    }
}
