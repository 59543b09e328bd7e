package import Engine
import Foundation

extension AppPages {
    /// The most of a received message's text a case page shows; the rest is in the kept copy.
    static let receivedTextLimit = 20_000

    /// The case page's "Correspondence received" section: each message filed to the case from the team mailbox,
    /// its text (escaped: received HTML is never rendered) and its files, each a download by opaque id.
    static func receivedSection(_ received: [ReceivedCorrespondence], reference: String) -> HTML {
        guard !received.isEmpty else {
            return """
                <h2 class="heading-m">Correspondence received</h2>
                <p class="body">No email has been received for this case.</p>
                """
        }
        let messages = received.reversed().map { message -> HTML in
            let heading = message.subject.isEmpty ? "(no subject)" : message.subject
            if let problem = message.problem {
                return """
                    <section class="correspondence"><h3 class="heading-s">Received \(long(message.receivedAt))</h3>\
                    <p class="body">\(problem)</p></section>
                    """
            }
            let from = [message.fromName, message.fromAddress.map { "<\($0)>" }].compactMap { $0 }
                .joined(separator: " ")
            var text = message.text
            if text.count > receivedTextLimit {
                text = String(text.prefix(receivedTextLimit)) + "\n[The rest of this message is not shown here.]"
            }
            let files = message.files.map { file -> HTML in
                let shown = file.name.isEmpty ? "Unnamed file" : file.name
                return """
                    <li><a href="\(AppPaths.receivedFile(reference, file.id))" download>Download \(shown)\
                    <span class="visually-hidden"> (received \(long(message.receivedAt)))</span></a> \
                    (\(sizeWords(file.size)))</li>
                    """
            }
            let fileList: HTML =
                files.isEmpty
                ? "<p class=\"body\">No attachments.</p>"
                : "<ul class=\"list\">\(files)</ul>"
            return """
                <section class="correspondence" aria-label="Email received \(long(message.receivedAt))">
                <h3 class="heading-s">\(heading)</h3>
                <dl class="summary-list">\
                <div class="summary-list__row"><dt class="summary-list__key">Received</dt>\
                <dd class="summary-list__value">\(long(message.receivedAt))</dd></div>\
                <div class="summary-list__row"><dt class="summary-list__key">From</dt>\
                <dd class="summary-list__value">\(from.isEmpty ? "Not known" : from)</dd></div>\
                </dl>
                <div class="correspondence__text">\(text)</div>
                <h4 class="heading-s">Attachments</h4>
                \(fileList)
                </section>
                """
        }
        return """
            <h2 class="heading-m">Correspondence received</h2>
            \(messages)
            """
    }

    /// "512 bytes", "12 KB", "3.4 MB".
    static func sizeWords(_ bytes: Int) -> String {
        if bytes < 1024 { return bytes == 1 ? "1 byte" : "\(bytes) bytes" }
        if bytes < 1024 * 1024 { return "\(Int((Double(bytes) / 1024).rounded())) KB" }
        return String(format: "%.1f MB", Double(bytes) / (1024 * 1024))
    }
}
