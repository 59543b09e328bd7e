package import Casework
package import Foundation
package import Primitives

/// Bytes bound for a file descriptor, gathered in a buffer and written in large pieces: a listing of 100,000 rows
/// goes out as it is made, never as one string of the whole output.
package struct BufferedOutput: ~Copyable {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private let capacity: Int

    /// Writes to `descriptor` (standard output by default) whenever `capacity` bytes are waiting.
    package init(descriptor: Int32 = STDOUT_FILENO, capacity: Int = 1 << 16) {
        self.descriptor = descriptor
        self.capacity = capacity
        buffer.reserveCapacity(capacity)
    }

    package mutating func append(_ byte: UInt8) throws {
        buffer.append(byte)
        if buffer.count >= capacity { try flush() }
    }

    package mutating func append(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= capacity { try flush() }
    }

    package mutating func append(_ bytes: some Collection<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= capacity { try flush() }
    }

    /// Writes what is waiting; a short write is continued, an interrupted one retried.
    package mutating func flush() throws {
        var offset = 0
        try buffer.withUnsafeBytes { bytes in
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                }
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Writes a JSON array of objects byte for byte as `CaseReports.jsonEncoder()` lays it out (two-space indent,
/// `"key" : value`, keys in the order given, which the caller keeps sorted; slashes unescaped), one object at a
/// time: no tree of the whole array and no `Data` of the whole output.
package struct JSONArrayWriter: ~Copyable {
    private var output: BufferedOutput
    private var objects = 0
    private var fields = 0

    package init(output: consuming BufferedOutput) {
        self.output = output
    }

    /// Starts the next object of the array.
    package mutating func beginObject() throws {
        try output.append(objects == 0 ? "[\n  {" : ",\n  {")
        objects += 1
        fields = 0
    }

    private mutating func key(_ name: StaticString) throws {
        try output.append(fields == 0 ? "\n    \"" : ",\n    \"")
        try output.append(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        try output.append("\" : ")
        fields += 1
    }

    package mutating func field(_ name: StaticString, _ value: String) throws {
        try key(name)
        try Self.appendString(value, to: &output)
    }

    package mutating func field(_ name: StaticString, _ value: Int) throws {
        try key(name)
        try output.append(String(value))
    }

    package mutating func field(_ name: StaticString, _ value: CivilDate) throws {
        try key(name)
        try output.append(34)
        try Self.appendDigits(value.year, width: 4, to: &output)
        try output.append(45)
        try Self.appendDigits(value.month, width: 2, to: &output)
        try output.append(45)
        try Self.appendDigits(value.day, width: 2, to: &output)
        try output.append(34)
    }

    package mutating func endObject() throws {
        try output.append(fields == 0 ? "\n\n  }" : "\n  }")
    }

    /// Closes the array with a final newline and writes everything out.
    package consuming func finish() throws {
        if objects == 0 {
            // The encoder's layout of an empty array.
            try output.append(String(decoding: try CaseReports.jsonEncoder().encode([Int]()), as: UTF8.self))
        } else {
            try output.append("\n]")
        }
        try output.append(10)
        try output.flush()
    }

    /// A string as the encoder writes it: plain printable ASCII as it is; anything else (quotes, backslashes,
    /// control characters, non-ASCII) through the encoder itself, so every escape is the encoder's own.
    private static func appendString(_ value: String, to output: inout BufferedOutput) throws {
        let plain = value.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C }
        if plain {
            try output.append(34)
            try output.append(value)
            try output.append(34)
        } else {
            try output.append(try CaseReports.jsonEncoder().encode(value))
        }
    }

    /// A non-negative number padded with zeros to `width` digits, as `CivilDate.iso` writes it.
    private static func appendDigits(_ value: Int, width: Int, to output: inout BufferedOutput) throws {
        let digits = String(value)
        if digits.utf8.count < width {
            try output.append(repeatElement(UInt8(48), count: width - digits.utf8.count))
        }
        try output.append(digits)
    }
}

extension DeadlineReports {
    /// `pals deadlines --json`: the board's items as `CaseReports.jsonEncoder()` encodes `[DueItem]`, written as they
    /// are laid out into `output` (the same bytes, never the whole output in memory).
    package static func writeJSON(_ items: [DueItem], to output: consuming BufferedOutput) throws {
        var writer = JSONArrayWriter(output: output)
        for item in items {
            try writer.beginObject()
            if let backstop = item.backstop { try writer.field("backstop", backstop) }
            try writer.field("deadline", item.deadline.rawValue)
            try writer.field("due", item.due)
            try writer.field("officer", item.officer)
            try writer.field("profile", item.profile.rawValue)
            try writer.field("reference", item.reference)
            if let ruleSet = item.ruleSet { try writer.field("ruleSet", ruleSet) }
            if let stage = item.stage { try writer.field("stage", stage) }
            try writer.field("state", item.state.rawValue)
            try writer.field("workingDaysRemaining", item.workingDaysRemaining)
            try writer.endObject()
        }
        try writer.finish()
    }
}
