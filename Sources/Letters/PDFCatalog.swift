import Foundation

/// Declares a PDF's language (`/Lang` in its catalog), which cairo 1.16 has no call for, by an incremental update:
/// a new revision of the catalog object with `/Lang` added is appended with its own cross-reference section and a
/// trailer pointing back at cairo's (ISO 32000-1, 7.5.6). Nothing cairo wrote is changed, so its offsets hold.
///
/// A screen reader reads the letter with the voice of this language (Welsh letters in a Welsh voice).
enum PDFCatalog {
    /// `pdf` with `/Lang (language)` in its catalog, or nil when `pdf` is not the shape cairo writes.
    static func addingLanguage(_ language: String, to pdf: Data) -> Data? {
        let bytes = [UInt8](pdf)
        guard let catalogAt = lastIndex(of: "/Type /Catalog", in: bytes),
            let objAt = lastIndex(of: " 0 obj", in: bytes, before: catalogAt),
            let objectNumber = numberEnding(at: objAt, in: bytes),
            let open = firstIndex(of: "<<", in: bytes, from: objAt),
            let endobj = firstIndex(of: "endobj", in: bytes, from: catalogAt),
            let close = lastIndex(of: ">>", in: bytes, before: endobj), open < catalogAt, close > catalogAt,
            let trailer = lastIndex(of: "trailer", in: bytes),
            let startxref = lastIndex(of: "startxref", in: bytes),
            let previous = number(after: startxref + 9, in: bytes),
            let sizeAt = firstIndex(of: "/Size", in: bytes, from: trailer),
            let size = number(after: sizeAt + 5, in: bytes)
        else { return nil }
        var info = ""
        if let infoAt = firstIndex(of: "/Info", in: bytes, from: trailer), infoAt < startxref,
            let infoNumber = number(after: infoAt + 5, in: bytes)
        {
            info = " /Info \(infoNumber) 0 R"
        }
        let body = String(decoding: bytes[(open + 2)..<close], as: UTF8.self)
        let safe = language.filter { $0.isLetter || $0.isNumber || $0 == "-" }
        var out = pdf
        if bytes.last != 0x0A { out.append(0x0A) }
        let objectOffset = out.count
        out.append(contentsOf: Array("\(objectNumber) 0 obj\n<<\(body)   /Lang (\(safe))\n>>\nendobj\n".utf8))
        let xrefOffset = out.count
        let offset = String(objectOffset)
        let padded = String(repeating: "0", count: max(0, 10 - offset.count)) + offset
        out.append(
            contentsOf: Array(
                """
                xref
                \(objectNumber) 1
                \(padded) 00000 n\u{20}
                trailer
                << /Size \(size) /Root \(objectNumber) 0 R\(info) /Prev \(previous) >>
                startxref
                \(xrefOffset)
                %%EOF

                """.utf8))
        return out
    }

    /// The digits of a whole number ending just before `index` (the `12` of `12 0 obj`).
    private static func numberEnding(at index: Int, in bytes: [UInt8]) -> Int? {
        var start = index
        while start > 0, (0x30...0x39).contains(bytes[start - 1]) { start -= 1 }
        guard start < index else { return nil }
        return Int(String(decoding: bytes[start..<index], as: UTF8.self))
    }

    /// The whole number after `index`, past any spaces and line ends.
    private static func number(after index: Int, in bytes: [UInt8]) -> Int? {
        var start = index
        while start < bytes.count, [0x20, 0x0A, 0x0D].contains(bytes[start]) { start += 1 }
        var end = start
        while end < bytes.count, (0x30...0x39).contains(bytes[end]) { end += 1 }
        guard start < end else { return nil }
        return Int(String(decoding: bytes[start..<end], as: UTF8.self))
    }

    private static func firstIndex(of text: String, in bytes: [UInt8], from: Int) -> Int? {
        let needle = Array(text.utf8)
        guard bytes.count >= needle.count, from <= bytes.count - needle.count else { return nil }
        for index in from...(bytes.count - needle.count)
        where bytes[index..<(index + needle.count)].elementsEqual(needle) {
            return index
        }
        return nil
    }

    private static func lastIndex(of text: String, in bytes: [UInt8], before end: Int? = nil) -> Int? {
        let needle = Array(text.utf8)
        let last = min(end ?? bytes.count, bytes.count) - needle.count
        guard last >= 0 else { return nil }
        for index in stride(from: last, through: 0, by: -1)
        where bytes[index..<(index + needle.count)].elementsEqual(needle) {
            return index
        }
        return nil
    }
}
