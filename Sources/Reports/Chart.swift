import Foundation

/// A chart of a report: what it shows, as numbers and words, before anyone draws it.
///
/// The same chart is painted with cairo into the PDF and written as SVG into the HTML (both from one
/// ``ChartLayout``), and its ``table`` is printed beside it as the text alternative.
package enum Chart: Sendable, Equatable {
    /// Bars up the page, one group per category (e.g. a month) with one bar per series (at most two).
    case columns(BarChart)
    /// Bars across the page, one per category (subjects, outcomes), longest labels on the left.
    case bars(BarChart)
    /// One 0–100 % gauge per item (e.g. share acknowledged within the statutory days).
    case shares(ShareChart)

    /// The chart's title.
    package var title: String {
        switch self {
        case .columns(let chart), .bars(let chart): chart.title
        case .shares(let chart): chart.title
        }
    }

    /// A sentence saying what the chart shows, for screen readers (`<desc>`) and as the PDF caption.
    package var summary: String {
        switch self {
        case .columns(let chart), .bars(let chart): chart.summary
        case .shares(let chart): chart.summary
        }
    }

    /// The chart's data as a table: the text alternative printed beside it.
    package var table: ReportTable {
        switch self {
        case .columns(let chart), .bars(let chart):
            ReportTable(
                caption: chart.title, header: [chart.categoryHeading] + chart.series.map(\.name),
                rows: chart.categories.indices.map { index in
                    [chart.categories[index]] + chart.series.map { Chart.number($0.values[index]) }
                })
        case .shares(let chart):
            ReportTable(
                caption: chart.title, header: ["Measure", "Share", "Of"],
                rows: chart.items.map { [$0.label, $0.percentText, $0.ofText] })
        }
    }

    /// A count or measure as printed: whole numbers without a decimal point, others to one place.
    package static func number(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 { return String(Int(value)) }
        return String(format: "%.1f", value)
    }
}

/// The pattern that tells a series apart without colour (greyscale print, colour-blind readers).
package enum ChartPattern: Sendable, Equatable, CaseIterable {
    /// Filled with the series' dark colour.
    case solid
    /// A light colour crossed by dark diagonal lines.
    case hatched
}

/// One series of a bar chart, e.g. "Received".
package struct ChartSeries: Sendable, Equatable {
    /// The name in the legend and the table's header.
    package var name: String
    /// One value per category (a missing category is 0).
    package var values: [Double]
    /// How its bars are filled.
    package var pattern: ChartPattern

    package init(name: String, values: [Double], pattern: ChartPattern) {
        self.name = name
        self.values = values
        self.pattern = pattern
    }
}

/// A bar chart: categories along one axis, one or two series of values.
package struct BarChart: Sendable, Equatable {
    package var title: String
    package var summary: String
    /// The heading of the categories' column in the data table, e.g. "Month".
    package var categoryHeading: String
    /// The labels of the categories, in order.
    package var categories: [String]
    /// The series (one or two); each has one value per category.
    package var series: [ChartSeries]

    /// Makes a chart; a series with fewer values than categories is padded with zeros, never read past its end.
    package init(title: String, summary: String, categoryHeading: String, categories: [String], series: [ChartSeries]) {
        self.title = title
        self.summary = summary
        self.categoryHeading = categoryHeading
        self.categories = categories
        self.series = series.map { series in
            var padded = series
            padded.values = categories.indices.map { $0 < series.values.count ? max(0, series.values[$0]) : 0 }
            return padded
        }
    }

    /// The largest value shown (0 when there is none).
    package var maximum: Double { series.flatMap(\.values).max() ?? 0 }
}

/// A set of shares: each a part of a whole, drawn as a gauge from 0 to 100 %.
package struct ShareChart: Sendable, Equatable {
    package var title: String
    package var summary: String
    package var items: [ShareItem]

    package init(title: String, summary: String, items: [ShareItem]) {
        self.title = title
        self.summary = summary
        self.items = items
    }
}

/// One share: `part` of `whole` (e.g. 46 of 50 acknowledged in time).
package struct ShareItem: Sendable, Equatable {
    package var label: String
    package var part: Int
    package var whole: Int

    package init(label: String, part: Int, whole: Int) {
        self.label = label
        self.part = max(0, min(part, whole))
        self.whole = max(0, whole)
    }

    /// The share from 0 to 1, or `nil` when there is nothing to share (no division by zero).
    package var fraction: Double? { whole > 0 ? Double(part) / Double(whole) : nil }

    /// "92%", or "none due" when the whole is zero.
    package var percentText: String {
        guard let fraction else { return "no cases" }
        return "\(Int((fraction * 100).rounded()))%"
    }

    /// "46 of 50".
    package var ofText: String { "\(part) of \(whole)" }
}
