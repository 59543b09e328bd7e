import Foundation

/// One thing drawn in a chart, in points from the top left of the chart's rectangle. The cairo painter and the
/// SVG writer both draw these, so the PDF and the HTML show the same chart.
package enum ChartMark: Sendable, Equatable {
    /// A filled rectangle.
    case rect(x: Double, y: Double, width: Double, height: Double, fill: ChartFill)
    /// A straight line.
    case line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: ChartStroke)
    /// Text whose baseline is at `y`, placed by `anchor` at `x`.
    case text(String, x: Double, y: Double, size: Double, anchor: TextAnchor, bold: Bool)
}

/// How a rectangle is filled: by a series' pattern, or as the background of a gauge.
package enum ChartFill: Sendable, Equatable {
    case series(ChartPattern)
    /// The empty track of a share gauge (light grey with a dark outline).
    case track
}

/// The kind of a line: an axis (dark) or a grid line (light).
package enum ChartStroke: Sendable, Equatable {
    case axis, grid
}

/// Where text sits relative to its x: starting there, centred on it, or ending there.
package enum TextAnchor: Sendable, Equatable {
    case start, middle, end
}

/// The colours of the charts: a dark blue and a light orange, far apart in lightness so they stay distinct in
/// greyscale and for the common colour-blindnesses; the light one is also hatched, so colour is never the only cue.
package enum ChartPalette {
    /// Solid bars (#1F4E79).
    package static let dark = (red: 0.122, green: 0.306, blue: 0.475)
    /// Hatched bars' ground (#F4B183).
    package static let light = (red: 0.957, green: 0.694, blue: 0.514)
    /// Hatching lines (#843C0C).
    package static let hatch = (red: 0.518, green: 0.235, blue: 0.047)
    /// A gauge's empty track (#E7E6E6).
    package static let track = (red: 0.906, green: 0.902, blue: 0.902)
    /// Grid lines (#BFBFBF).
    package static let grid = (red: 0.749, green: 0.749, blue: 0.749)
    /// Axes and text (#262626).
    package static let ink = (red: 0.149, green: 0.149, blue: 0.149)

    /// A colour as `#RRGGBB` for SVG.
    package static func hex(_ colour: (red: Double, green: Double, blue: Double)) -> String {
        func byte(_ value: Double) -> String { String(format: "%02X", Int((value * 255).rounded())) }
        return "#" + byte(colour.red) + byte(colour.green) + byte(colour.blue)
    }
}

/// Lays a ``Chart`` out in a rectangle: title, legend, axes with ticks, bars with their values, all as marks.
///
/// Text widths are estimated (DejaVu Sans is about 0.6 em a character), generously, so labels are given room in
/// both PDF and SVG without measuring fonts; a label longer than its column is shortened with an ellipsis.
package struct ChartLayout: Sendable {
    package let width: Double
    package let height: Double
    package private(set) var marks: [ChartMark] = []

    /// Sizes of text in points, readable on A4.
    static let titleSize = 11.0
    static let labelSize = 8.0
    static let valueSize = 7.5

    /// The height a chart wants at `width`.
    package static func preferredHeight(of chart: Chart, width: Double) -> Double {
        switch chart {
        case .columns(let bars): return 36 + (bars.series.count > 1 ? 16 : 0) + 190
        case .bars(let bars):
            return 36 + (bars.series.count > 1 ? 16 : 0) + Double(max(bars.categories.count, 1)) * rowHeight(bars)
                + 26
        case .shares(let shares): return 30 + Double(max(shares.items.count, 1)) * 26
        }
    }

    static func rowHeight(_ chart: BarChart) -> Double { chart.series.count > 1 ? 26 : 18 }

    /// Lays `chart` out in a `width` × `height` rectangle.
    package init(_ chart: Chart, width: Double, height: Double) {
        self.width = width
        self.height = height
        marks.append(.text(chart.title, x: 0, y: Self.titleSize, size: Self.titleSize, anchor: .start, bold: true))
        switch chart {
        case .columns(let bars): layColumns(bars)
        case .bars(let bars): layBars(bars)
        case .shares(let shares): layShares(shares)
        }
    }

    /// The estimated width of `text` at `size` points.
    package static func estimatedWidth(_ text: String, size: Double) -> Double {
        Double(text.count) * size * 0.62
    }

    /// `text` shortened with an ellipsis to fit `width` at `size` points.
    static func fitted(_ text: String, width: Double, size: Double) -> String {
        if estimatedWidth(text, size: size) <= width { return text }
        let keep = max(1, Int(width / (size * 0.62)) - 1)
        return String(text.prefix(keep)) + "…"
    }

    /// A round top for an axis and its step: 0 to `top` in steps of 1, 2 or 5 × 10ⁿ, at least 1 (so a chart of
    /// nothing but zeros still has an axis and nothing is divided by zero).
    package static func scale(maximum: Double, ticks: Int = 5) -> (top: Double, step: Double) {
        guard maximum.isFinite, maximum > 0 else { return (top: Double(ticks), step: 1) }
        let rough = maximum / Double(ticks)
        let magnitude = pow(10, floor(log10(rough)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        let wholeStep = max(1, step.rounded(.up))
        return (top: (maximum / wholeStep).rounded(.up) * wholeStep, step: wholeStep)
    }

    private mutating func legend(_ series: [ChartSeries], top: Double) {
        var x = 0.0
        for item in series {
            marks.append(.rect(x: x, y: top, width: 14, height: 9, fill: .series(item.pattern)))
            marks.append(.text(item.name, x: x + 19, y: top + 8, size: Self.labelSize, anchor: .start, bold: false))
            x += 19 + Self.estimatedWidth(item.name, size: Self.labelSize) + 18
        }
    }

    private mutating func layColumns(_ chart: BarChart) {
        var top = Self.titleSize + 10
        if chart.series.count > 1 {
            legend(chart.series, top: top)
            top += 16
        }
        let scale = Self.scale(maximum: chart.maximum)
        let axisLabelWidth = Self.estimatedWidth(Chart.number(scale.top), size: Self.labelSize) + 6
        let plotLeft = axisLabelWidth
        let plotTop = top + 10
        let plotBottom = height - 20
        let plotHeight = max(plotBottom - plotTop, 1)
        let plotWidth = max(width - plotLeft, 1)
        var tick = 0.0
        while tick <= scale.top + 0.0001 {
            let y = plotBottom - tick / scale.top * plotHeight
            marks.append(.line(x1: plotLeft, y1: y, x2: width, y2: y, stroke: tick == 0 ? .axis : .grid))
            marks.append(
                .text(Chart.number(tick), x: plotLeft - 4, y: y + 3, size: Self.labelSize, anchor: .end, bold: false))
            tick += scale.step
        }
        marks.append(.line(x1: plotLeft, y1: plotTop, x2: plotLeft, y2: plotBottom, stroke: .axis))
        let count = max(chart.categories.count, 1)
        let group = plotWidth / Double(count)
        let barWidth = group * 0.8 / Double(max(chart.series.count, 1))
        for (index, category) in chart.categories.enumerated() {
            let groupLeft = plotLeft + Double(index) * group + group * 0.1
            for (position, series) in chart.series.enumerated() {
                let value = series.values[index]
                let barHeight = value / scale.top * plotHeight
                let x = groupLeft + Double(position) * barWidth
                if barHeight > 0 {
                    marks.append(
                        .rect(
                            x: x + 0.5, y: plotBottom - barHeight, width: barWidth - 1, height: barHeight,
                            fill: .series(series.pattern)))
                }
                marks.append(
                    .text(
                        Chart.number(value), x: x + barWidth / 2, y: plotBottom - barHeight - 2.5,
                        size: Self.valueSize, anchor: .middle, bold: false))
            }
            marks.append(
                .text(
                    Self.fitted(category, width: group - 2, size: Self.labelSize), x: groupLeft + group * 0.4,
                    y: plotBottom + 12, size: Self.labelSize, anchor: .middle, bold: false))
        }
    }

    private mutating func layBars(_ chart: BarChart) {
        var top = Self.titleSize + 10
        if chart.series.count > 1 {
            legend(chart.series, top: top)
            top += 16
        }
        let longest = chart.categories.map { Self.estimatedWidth($0, size: Self.labelSize) }.max() ?? 0
        let labelWidth = min(longest, width * 0.38)
        let plotLeft = labelWidth + 8
        let scale = Self.scale(maximum: chart.maximum)
        let valueRoom = Self.estimatedWidth(Chart.number(chart.maximum), size: Self.valueSize) + 6
        let plotWidth = max(width - plotLeft - valueRoom, 1)
        let rowHeight = Self.rowHeight(chart)
        let plotTop = top + 4
        let plotBottom = plotTop + Double(chart.categories.count) * rowHeight
        var tick = 0.0
        while tick <= scale.top + 0.0001 {
            let x = plotLeft + tick / scale.top * plotWidth
            marks.append(.line(x1: x, y1: plotTop, x2: x, y2: plotBottom, stroke: tick == 0 ? .axis : .grid))
            marks.append(
                .text(Chart.number(tick), x: x, y: plotBottom + 11, size: Self.labelSize, anchor: .middle, bold: false))
            tick += scale.step
        }
        marks.append(.line(x1: plotLeft, y1: plotBottom, x2: plotLeft + plotWidth, y2: plotBottom, stroke: .axis))
        if chart.categories.isEmpty {
            marks.append(
                .text(
                    "No cases in this period", x: plotLeft + 4, y: plotTop + 12, size: Self.labelSize, anchor: .start,
                    bold: false))
        }
        let barHeight = (rowHeight - 6) / Double(max(chart.series.count, 1))
        for (index, category) in chart.categories.enumerated() {
            let rowTop = plotTop + Double(index) * rowHeight + 3
            marks.append(
                .text(
                    Self.fitted(category, width: labelWidth, size: Self.labelSize), x: labelWidth,
                    y: rowTop + (rowHeight - 6) / 2 + 3, size: Self.labelSize, anchor: .end, bold: false))
            for (position, series) in chart.series.enumerated() {
                let value = series.values[index]
                let length = value / scale.top * plotWidth
                let y = rowTop + Double(position) * barHeight
                if length > 0 {
                    marks.append(
                        .rect(
                            x: plotLeft, y: y + 0.5, width: length, height: barHeight - 1,
                            fill: .series(series.pattern)))
                }
                marks.append(
                    .text(
                        Chart.number(value), x: plotLeft + length + 3, y: y + barHeight / 2 + 2.7,
                        size: Self.valueSize, anchor: .start, bold: false))
            }
        }
    }

    private mutating func layShares(_ chart: ShareChart) {
        let top = Self.titleSize + 12
        let longest = chart.items.map { Self.estimatedWidth($0.label, size: Self.labelSize) }.max() ?? 0
        let labelWidth = min(longest, width * 0.42)
        let trackLeft = labelWidth + 8
        let textRoom = Self.estimatedWidth("100% (9999 of 9999)", size: Self.labelSize)
        let trackWidth = max(width - trackLeft - textRoom - 8, 1)
        for (index, item) in chart.items.enumerated() {
            let rowTop = top + Double(index) * 26
            marks.append(
                .text(
                    Self.fitted(item.label, width: labelWidth, size: Self.labelSize), x: labelWidth, y: rowTop + 11,
                    size: Self.labelSize, anchor: .end, bold: false))
            marks.append(.rect(x: trackLeft, y: rowTop, width: trackWidth, height: 15, fill: .track))
            if let fraction = item.fraction, fraction > 0 {
                marks.append(
                    .rect(x: trackLeft, y: rowTop, width: trackWidth * fraction, height: 15, fill: .series(.solid)))
            }
            for quarter in 1...3 {
                let x = trackLeft + trackWidth * Double(quarter) / 4
                marks.append(.line(x1: x, y1: rowTop + 15, x2: x, y2: rowTop + 19, stroke: .axis))
            }
            let words = item.fraction == nil ? item.percentText : "\(item.percentText) (\(item.ofText))"
            marks.append(
                .text(
                    words, x: trackLeft + trackWidth + 8, y: rowTop + 11, size: Self.labelSize, anchor: .start,
                    bold: true))
        }
    }
}
