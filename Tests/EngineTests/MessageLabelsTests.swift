import Engine
import Testing

@Suite("Message labels")
struct MessageLabelsTests {
    @Test("typed labels round-trip through the dictionary the outbox stores, with its key names")
    func roundTrip() {
        let labels = MessageLabels(
            reference: "PALS-2026-0042", caseId: "id-42", kind: "holding", subject: "Your complaint PALS-2026-0042",
            officer: "alex")
        #expect(
            labels.dictionary == [
                "case": "PALS-2026-0042", "caseId": "id-42", "kind": "holding",
                "subject": "Your complaint PALS-2026-0042", "officer": "alex",
            ])
        #expect(MessageLabels(labels.dictionary) == labels)
    }

    @Test("absent labels are left out of the dictionary; unknown keys are left out of the labels")
    func partial() {
        #expect(MessageLabels(kind: "alert", officer: "alex").dictionary == ["kind": "alert", "officer": "alex"])
        #expect(MessageLabels(["case": "C1", "colour": "red"]) == MessageLabels(reference: "C1"))
        #expect(MessageLabels.forCase("C1") == ["case": "C1"])
        #expect(MessageLabels([:]) == MessageLabels())
    }
}
