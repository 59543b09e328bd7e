import Engine
import Foundation

/// One page of the web app's deadline board: the most urgent cases first, `size` rows a page, with links to the
/// pages either side. A register of 100,000 open cases is not one page of 100,000 rows, and only the rows shown
/// are recorded in the audit as listed.
struct BoardPaging: Sendable, Equatable {
    /// Rows on a page.
    static let size = 100

    /// The page shown, from 1.
    let page: Int
    /// The rows on the board in all.
    let total: Int

    /// The page asked for by `?page=` (1 when absent or not a number), kept within the pages there are.
    init(asked: String?, total: Int) {
        let last = max(1, (total + Self.size - 1) / Self.size)
        page = min(max(1, asked.flatMap { Int($0) } ?? 1), last)
        self.total = total
    }

    /// The rows of this page.
    func slice(_ items: [DueItem]) -> [DueItem] {
        Array(items.dropFirst((page - 1) * Self.size).prefix(Self.size))
    }

    /// "Showing 101 to 200 of 4,321" and the previous and next links (keeping the officer filter); nothing when
    /// everything fits on one page.
    func navigation(officer: String?) -> HTML {
        guard total > Self.size else { return .empty }
        let first = (page - 1) * Self.size + 1
        let last = min(page * Self.size, total)
        func link(_ number: Int, _ label: String, _ relation: String) -> HTML {
            var query = "page=\(number)"
            if let officer {
                query += "&officer=" + (officer.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            }
            return "<a class=\"pagination__link\" rel=\"\(relation)\" href=\"\(AppPaths.board)?\(query)\">\(label)</a>"
        }
        let previous = page > 1 ? link(page - 1, "Previous page", "prev") : HTML.empty
        let next = last < total ? link(page + 1, "Next page", "next") : HTML.empty
        return """
            <nav class="pagination" aria-label="Pages of the board">
            <p class="body">Showing \(first) to \(last) of \(total) cases.</p>
            \(previous) \(next)
            </nav>
            """
    }
}
