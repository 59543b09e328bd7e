import Primitives
import Testing

@Suite("The shared control-character escaper")
struct ControlCharacterTests {
    @Test("C0, DEL, C1, escape sequences, separators and bidi overrides are shown, never sent raw")
    func escapes() {
        #expect("a\nb\rc\td".escapingControls == #"a\nb\rc\td"#)
        #expect("\u{1B}[2J\u{1B}]0;title\u{07}".escapingControls == #"\u{1B}[2J\u{1B}]0;title\u{07}"#)
        #expect("\u{00}\u{7F}\u{85}\u{9B}".escapingControls == #"\u{00}\u{7F}\u{85}\u{9B}"#)
        #expect("x\u{2028}y\u{202E}z\u{2066}".escapingControls == #"x\u{2028}y\u{202E}z\u{2066}"#)
    }

    @Test("ordinary text, accents and Welsh letters are kept as they are")
    func keeps() {
        for text in ["PALS-2026-0001", "Siân Ŵyn Ŷ", "O'Brien & Co. \\ back", "émigré", ""] {
            #expect(text.escapingControls == text)
        }
    }
}
