package import Foundation

/// The Welsh forms of configured texts that the starter configuration lacks (the organisation's name and address,
/// the advocacy service), for tests whose workspace writes Welsh letters. Invented, like the starter's English.
package enum WelshFormsFixture {
    /// The starter `pals.yaml` text with the Welsh forms added.
    package static func adding(to text: String) -> String {
        text.replacingOccurrences(
            of: "  name: Example Valley NHS Trust (INVENTED - replace)\n",
            with: """
                  name: Example Valley NHS Trust (INVENTED - replace)
                  nameCy: Ymddiriedolaeth GIG Cwm Enghraifft
                  addressCy:
                    - Gwasanaeth Cyngor a Chyswllt Cleifion
                    - 1 Ffordd Enghraifft
                    - Trefenghraifft
                    - EX1 1AA

                """
        ).replacingOccurrences(
            of: "  name: Example Advocacy Service (INVENTED - replace)\n",
            with: "  name: Example Advocacy Service (INVENTED - replace)\n  nameCy: Gwasanaeth Eiriolaeth Enghraifft\n")
    }
}
