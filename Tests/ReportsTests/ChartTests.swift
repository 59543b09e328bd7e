import Foundation
import PalsTestKit
import Testing

@testable import Reports

/// Charts are laid out the same for PDF and SVG, never divide by zero, and carry their words beside them.
@Suite("Charts")
struct ChartTests {
    static let months = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]

    static func monthly(received: [Double], responded: [Double]) -> Chart {
        .columns(
            BarChart(
                title: "Complaints received and responded to, by month", summary: "Received and responded.",
                categoryHeading: "Month", categories: months,
                series: [
                    ChartSeries(name: "Received", values: received, pattern: .solid),
                    ChartSeries(name: "Responded", values: responded, pattern: .hatched),
                ]))
    }

    /// Every number a layout holds is finite (NaN or infinity would come from a division by zero).
    static func allFinite(_ layout: ChartLayout) -> Bool {
        layout.marks.allSatisfy { mark in
            switch mark {
            case .rect(let x, let y, let w, let h, _): [x, y, w, h].allSatisfy(\.isFinite)
            case .line(let x1, let y1, let x2, let y2, _): [x1, y1, x2, y2].allSatisfy(\.isFinite)
            case .text(_, let x, let y, _, _, _): x.isFinite && y.isFinite
            }
        }
    }

    @Test("the axis scale is a round number at or above the largest value, and 0 to 5 for no data")
    func scale() {
        #expect(ChartLayout.scale(maximum: 0) == (top: 5, step: 1))
        #expect(ChartLayout.scale(maximum: .nan) == (top: 5, step: 1))
        #expect(ChartLayout.scale(maximum: 7) == (top: 8, step: 2))
        #expect(ChartLayout.scale(maximum: 43) == (top: 50, step: 10))
        #expect(ChartLayout.scale(maximum: 1) == (top: 1, step: 1))
        for value in [1.0, 3, 9, 11, 99, 101, 2_345] {
            let scale = ChartLayout.scale(maximum: value)
            #expect(scale.top >= value)
            #expect(scale.top / scale.step <= 10)
        }
    }

    @Test("an empty month has a 0 label and no bar; the other months' bars are drawn")
    func emptyMonth() {
        var received = Array(repeating: 4.0, count: 12)
        received[3] = 0
        let layout = ChartLayout(Self.monthly(received: received, responded: received), width: 480, height: 240)
        let bars = layout.marks.filter { if case .rect = $0 { true } else { false } }
        // Two legend swatches plus 11 months × 2 series.
        #expect(bars.count == 2 + 22)
        let zeros = layout.marks.filter { if case .text("0", _, _, 7.5, _, _) = $0 { true } else { false } }
        #expect(zeros.count == 2)
        #expect(Self.allFinite(layout))
    }

    @Test("a year with no data draws axes and zeros, with nothing divided by zero")
    func zeroDataYear() {
        let zero = Array(repeating: 0.0, count: 12)
        for chart in [
            Self.monthly(received: zero, responded: []),
            .bars(BarChart(title: "Subjects", summary: "", categoryHeading: "Subject", categories: [], series: [])),
            .shares(
                ShareChart(title: "Shares", summary: "", items: [ShareItem(label: "Acknowledged", part: 0, whole: 0)])),
        ] {
            let layout = ChartLayout(chart, width: 480, height: ChartLayout.preferredHeight(of: chart, width: 480))
            #expect(Self.allFinite(layout))
            #expect(!layout.marks.isEmpty)
        }
        #expect(ShareItem(label: "x", part: 0, whole: 0).percentText == "no cases")
    }

    @Test("a share gauge is filled in proportion, and a part larger than its whole is held to 100%")
    func shares() {
        #expect(ShareItem(label: "x", part: 46, whole: 50).percentText == "92%")
        #expect(ShareItem(label: "x", part: 60, whole: 50).part == 50)
        let chart = Chart.shares(
            ShareChart(title: "T", summary: "S", items: [ShareItem(label: "A", part: 1, whole: 4)]))
        let layout = ChartLayout(chart, width: 400, height: 60)
        let widths = layout.marks.compactMap { mark -> Double? in
            if case .rect(_, _, let w, _, _) = mark { w } else { nil }
        }
        #expect(widths.count == 2)
        #expect(abs(widths[1] - widths[0] / 4) < 0.001)
    }

    @Test("a long category label is shortened with an ellipsis inside its column")
    func longLabel() {
        let label = String(repeating: "Communication with relatives ", count: 6)
        let chart = Chart.bars(
            BarChart(
                title: "Subjects", summary: "", categoryHeading: "Subject", categories: [label],
                series: [ChartSeries(name: "Complaints", values: [3], pattern: .solid)]))
        let layout = ChartLayout(chart, width: 400, height: 100)
        let texts = layout.marks.compactMap { mark -> String? in
            if case .text(let text, _, _, _, _, _) = mark { text } else { nil }
        }
        let shown = texts.first { $0.hasPrefix("Communication") }
        #expect(shown?.hasSuffix("…") == true)
        #expect(ChartLayout.estimatedWidth(shown ?? "", size: 8) <= 400 * 0.38 + 0.01)
    }

    @Test("the SVG names itself for screen readers, escapes text and draws the hatch for the second series")
    func svg() {
        var chart = Self.monthly(received: [1, 2], responded: [0, 1])
        if case .columns(var bars) = chart {
            bars.title = "Received <& responded>"
            chart = .columns(bars)
        }
        let svg = ChartSVG.svg(chart, id: "t1")
        #expect(svg.contains("role=\"img\""))
        #expect(svg.contains("<title id=\"title-t1\">Received &lt;&amp; responded&gt;</title>"))
        #expect(svg.contains("<desc id=\"desc-t1\">Received and responded.</desc>"))
        #expect(svg.contains("url(#hatch-t1)"))
        #expect(!svg.contains("nan") && !svg.contains("inf"))
    }

    @Test("the data table beside a chart has a row per category and a column per series")
    func dataTable() {
        let table = Self.monthly(received: [3, 1], responded: [2]).table
        #expect(table.header == ["Month", "Received", "Responded"])
        #expect(table.rows.count == 12)
        #expect(table.rows[0] == ["Apr", "3", "2"])
        #expect(table.rows[1] == ["May", "1", "0"])
    }
}
