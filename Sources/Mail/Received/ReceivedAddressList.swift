internal import Foundation

/// Reads RFC 5322 address lists (`From`, `To`, `Reply-To`) as real clients write them: quoted names with escapes,
/// encoded-word names, comments, groups (`undisclosed-recipients:;`), bare addresses.
enum ReceivedAddressList {
    private enum Token: Equatable {
        case word(String)
        case quoted(String)
        case angle(String)
        case comma
        case colon
        case semicolon
    }

    /// The mailboxes in `value` (unfolded, not yet RFC 2047-decoded); entries with no address are skipped.
    static func parse(_ value: String) -> [ReceivedAddress] {
        var addresses: [ReceivedAddress] = []
        var phrase: [Token] = []
        var angle: String?
        func finish() {
            defer {
                phrase = []
                angle = nil
            }
            if let angle {
                let address = stripRoute(angle)
                guard !address.isEmpty else { return }
                addresses.append(ReceivedAddress(name: displayName(phrase), address: address))
            } else {
                let address = phrase.map { token -> String in
                    switch token {
                    case .word(let text): return text
                    case .quoted(let text): return "\"" + text + "\""
                    default: return ""
                    }
                }.joined()
                guard !address.isEmpty else { return }
                addresses.append(ReceivedAddress(name: nil, address: address))
            }
        }
        for token in tokens(value) {
            switch token {
            case .comma, .semicolon: finish()
            case .colon:
                // A group's name: what came before the colon names the group, not a mailbox.
                if angle == nil { phrase = [] }
            case .angle(let text):
                if angle == nil { angle = text }
            case .word, .quoted:
                if angle == nil { phrase.append(token) }
            }
        }
        finish()
        return addresses
    }

    /// The display name from the phrase before `<…>`: words joined by single spaces, encoded words decoded; nil
    /// when empty.
    private static func displayName(_ phrase: [Token]) -> String? {
        var parts: [String] = []
        for token in phrase {
            switch token {
            case .word(let text), .quoted(let text): parts.append(text)
            default: break
            }
        }
        let joined = ReceivedHeaderDecoding.decodeEncodedWords(parts.joined(separator: " "))
        let name = joined.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return name.isEmpty ? nil : name
    }

    /// `@relay1,@relay2:user@example.org` → `user@example.org`; whitespace removed.
    private static func stripRoute(_ text: String) -> String {
        var address = text.filter { !$0.isWhitespace }
        if address.hasPrefix("@"), let colon = address.firstIndex(of: ":") {
            address = String(address[address.index(after: colon)...])
        }
        return address
    }

    private static func tokens(_ value: String) -> [Token] {
        var tokens: [Token] = []
        let characters = Array(value)
        var index = 0
        var word = ""
        func endWord() {
            if !word.isEmpty { tokens.append(.word(word)) }
            word = ""
        }
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "\"":
                endWord()
                var text = ""
                index += 1
                while index < characters.count, characters[index] != "\"" {
                    if characters[index] == "\\", index + 1 < characters.count { index += 1 }
                    text.append(characters[index])
                    index += 1
                }
                tokens.append(.quoted(text))
            case "(":
                endWord()
                var depth = 1
                index += 1
                while index < characters.count, depth > 0 {
                    switch characters[index] {
                    case "\\": index += 1
                    case "(": depth += 1
                    case ")": depth -= 1
                    default: break
                    }
                    index += 1
                }
                continue
            case "<":
                endWord()
                var text = ""
                index += 1
                while index < characters.count, characters[index] != ">" {
                    text.append(characters[index])
                    index += 1
                }
                tokens.append(.angle(text))
            case ",":
                endWord()
                tokens.append(.comma)
            case ":":
                endWord()
                tokens.append(.colon)
            case ";":
                endWord()
                tokens.append(.semicolon)
            default:
                if character.isWhitespace { endWord() } else { word.append(character) }
            }
            index += 1
        }
        endWord()
        return tokens
    }
}

/// Reads RFC 5322 dates, obsolete forms included: optional weekday, two-digit years, named zones, comments.
enum ReceivedDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let zones: [String: Int] = [
        "ut": 0, "utc": 0, "gmt": 0, "z": 0, "bst": 60, "est": -300, "edt": -240, "cst": -360, "cdt": -300,
        "mst": -420, "mdt": -360, "pst": -480, "pdt": -420,
    ]

    /// The instant `value` names, or nil when it cannot be read.
    static func parse(_ value: String) -> Date? {
        let text = ReceivedHeaderDecoding.removingComments(value).replacingOccurrences(of: ",", with: " ")
        var words = text.split(whereSeparator: \.isWhitespace).map { String($0) }
        if let first = words.first, first.count >= 3, first.allSatisfy(\.isLetter) { words.removeFirst() }
        guard words.count >= 4 else { return nil }
        var day: Int?
        var month: Int?
        // Day and month in either order (`1 Dec` or `Dec 1`).
        if let number = Int(words[0]), let name = monthNumber(words[1]) {
            day = number
            month = name
        } else if let name = monthNumber(words[0]), let number = Int(words[1]) {
            day = number
            month = name
        }
        guard let day, let month, (1...31).contains(day), var year = Int(words[2]) else { return nil }
        if words[2].count <= 2 { year += year < 50 ? 2000 : 1900 } else if words[2].count == 3 { year += 1900 }
        let clock = words[3].split(separator: ":").map { Int($0) }
        guard clock.count >= 2, clock.allSatisfy({ $0 != nil }) else { return nil }
        let hour = clock[0]!
        let minute = clock[1]!
        let second = clock.count > 2 ? clock[2]! : 0
        guard (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return nil }
        var offsetMinutes = 0
        if words.count > 4 {
            let zone = words[4]
            if let sign = zone.first, sign == "+" || sign == "-", zone.count == 5, let digits = Int(zone.dropFirst()) {
                offsetMinutes = (digits / 100) * 60 + digits % 100
                if sign == "-" { offsetMinutes = -offsetMinutes }
            } else {
                offsetMinutes = zones[zone.lowercased()] ?? 0
            }
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    private static func monthNumber(_ word: String) -> Int? {
        guard word.count >= 3 else { return nil }
        return months.firstIndex(of: String(word.prefix(3)).lowercased()).map { $0 + 1 }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
