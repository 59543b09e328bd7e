import Primitives
import Testing

@Suite struct StableHashSpecification {
    /// Published FNV-1a 64 test vectors: the hash must never change, or idempotency keys and holiday data
    /// versions made before the change would no longer match.
    @Test(arguments: [
        ("", "cbf29ce484222325"),
        ("a", "af63dc4c8601ec8c"),
        ("foobar", "85944171f73967e8"),
    ])
    func matchesTheFNV1aVectors(text: String, expected: String) {
        #expect(StableHash(text).hex == expected)
    }

    @Test func addingInPiecesEqualsAddingTheWhole() {
        var pieces = StableHash()
        pieces.add("foo")
        pieces.add("bar")
        #expect(pieces == StableHash("foobar"))
    }

    @Test func endingAPieceKeepsListsApart() {
        func hash(_ list: [String]) -> String {
            var hash = StableHash()
            for piece in list {
                hash.add(piece)
                hash.endPiece()
            }
            return hash.hex
        }
        #expect(hash(["ab", "c"]) != hash(["a", "bc"]))
        // The value MIME boundaries have always had (the old MIME.fnv1a of ["foobar"]).
        #expect(hash(["foobar"]) == "85944171f7396717")
    }

    @Test func theShortFormIsEightHexDigitsOfBothHalves() {
        let hash = StableHash("foobar")
        #expect(hash.short == "72ad2699")
        #expect(StableHash("").short.count == 8)
    }
}
