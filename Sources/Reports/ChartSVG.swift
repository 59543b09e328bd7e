import Foundation

/// Writes a ``Chart`` as inline SVG from its ``ChartLayout``: `role="img"`, a `<title>` and a `<desc>` for screen
/// readers, the hatch pattern defined once per chart.
package enum ChartSVG {
    /// The SVG markup of `chart` at `width` points wide; `id` makes the pattern and title ids unique in a page.
    package static func svg(_ chart: Chart, width: Double = 520, id: String) -> String {
        let height = ChartLayout.preferredHeight(of: chart, width: width)
        let layout = ChartLayout(chart, width: width, height: height)
        let hatch = "hatch-\(id)"
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="title-\(id) desc-\(id)" \
            viewBox="0 0 \(n(width)) \(n(height))" width="\(n(width))" height="\(n(height))" \
            font-family="DejaVu Sans, Verdana, sans-serif">
            <title id="title-\(id)">\(escape(chart.title))</title>
            <desc id="desc-\(id)">\(escape(chart.summary))</desc>
            <defs><pattern id="\(hatch)" width="5" height="5" patternUnits="userSpaceOnUse" \
            patternTransform="rotate(45)"><rect width="5" height="5" fill="\(ChartPalette.hex(ChartPalette.light))"/>\
            <line x1="0" y1="0" x2="0" y2="5" stroke="\(ChartPalette.hex(ChartPalette.hatch))" stroke-width="1.6"/>\
            </pattern></defs>

            """
        for mark in layout.marks {
            switch mark {
            case .rect(let x, let y, let w, let h, let fill):
                let paint: String
                switch fill {
                case .series(.solid): paint = "fill=\"\(ChartPalette.hex(ChartPalette.dark))\""
                case .series(.hatched):
                    paint = "fill=\"url(#\(hatch))\" " + outline(ChartPalette.hatch)
                case .track:
                    paint = "fill=\"\(ChartPalette.hex(ChartPalette.track))\" " + outline(ChartPalette.ink)
                }
                out += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(w))\" height=\"\(n(h))\" \(paint)/>\n"
            case .line(let x1, let y1, let x2, let y2, let stroke):
                let colour = stroke == .axis ? ChartPalette.ink : ChartPalette.grid
                out +=
                    "<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" "
                    + "stroke=\"\(ChartPalette.hex(colour))\" stroke-width=\"\(stroke == .axis ? "0.8" : "0.5")\"/>\n"
            case .text(let text, let x, let y, let size, let anchor, let bold):
                let anchorName = anchor == .start ? "start" : anchor == .middle ? "middle" : "end"
                out +=
                    "<text x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(size))\" text-anchor=\"\(anchorName)\""
                    + (bold ? " font-weight=\"bold\"" : "") + " fill=\"\(ChartPalette.hex(ChartPalette.ink))\">"
                    + escape(text) + "</text>\n"
            }
        }
        return out + "</svg>"
    }

    /// A thin outline in `colour`.
    static func outline(_ colour: (red: Double, green: Double, blue: Double)) -> String {
        "stroke=\"\(ChartPalette.hex(colour))\" stroke-width=\"0.6\""
    }

    /// A coordinate with at most two decimals.
    static func n(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    /// Text escaped for XML and HTML content and attributes.
    package static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
