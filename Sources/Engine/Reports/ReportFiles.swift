package import Casework
package import Foundation
package import Primitives
package import Reports

/// Writes a report's PDF and HTML into a folder, the project's private-file way: the folder is made 0700 if
/// missing and must be a real folder (never a symbolic link), each file is written whole (temporary file, fsync,
/// rename, 0600), and a symbolic link where a file would go is refused rather than replaced or followed.
package enum ReportFiles {
    /// The files written, PDF first.
    package static func write(
        _ document: ReportDocument, baseName: String, folder: URL, creationDate: Date
    ) throws -> [URL] {
        let path = folder.standardizedFileURL.path
        do {
            if PrivateFiles.kind(path) == nil { try PrivateFiles.makeFolder(path) }
            try PrivateFiles.checkRealFolder(path)
        } catch {
            throw ReportPeriodError(.cannotWrite, "the report folder \(path) \(error.problem): give a real folder")
        }
        let pdf = try ReportPDFRenderer(creationDate: creationDate).render(document)
        let html = Data(ReportHTMLRenderer.render(document).utf8)
        var written: [URL] = []
        for (data, suffix) in [(pdf, "pdf"), (html, "html")] {
            let file = URL(filePath: path).appending(path: "\(baseName).\(suffix)")
            if let kind = PrivateFiles.kind(file.path), kind != .file {
                throw ReportPeriodError(
                    .cannotWrite,
                    "\(file.path) is \(kind == .symbolicLink ? "a symbolic link" : "not a file"): remove it or write "
                        + "the report to another folder")
            }
            do {
                try PrivateFiles.write(data, to: file)
            } catch {
                throw ReportPeriodError(
                    .cannotWrite, "the report could not be written to \(file.path): \(error.problem)")
            }
            written.append(file)
        }
        return written
    }

    /// The matters of general importance from a text file: paragraphs separated by blank lines, at most 64 KiB.
    package static func paragraphs(fromFile url: URL) throws -> [String] {
        let path = url.standardizedFileURL.path
        guard PrivateFiles.kind(path) == .file else {
            throw ReportPeriodError(.cannotWrite, "\(path) is not a plain file (a symbolic link or folder is refused)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReportPeriodError(.cannotWrite, "\(path) could not be read")
        }
        guard data.count <= 65_536 else {
            throw ReportPeriodError(.cannotWrite, "\(path) is larger than 64 KiB: shorten the account")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ReportPeriodError(.cannotWrite, "\(path) is not UTF-8 text")
        }
        return text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n")
            .map { $0.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ") }
            .map { $0.escapingControls }
            .filter { !$0.isEmpty }
    }
}

extension Casebook {
    /// The inputs of a report: the register's cases as measured, and the organisation's name.
    package func reportInputs(generalImportance: [String] = []) throws -> AnnualReport.Inputs {
        let (cases, problems) = try measuredCases()
        let name = workspace.configuration.organisation.name
        return AnnualReport.Inputs(
            organisation: name.isEmpty ? "The organisation" : name, generalImportance: generalImportance,
            cases: cases, problems: Set(problems.map(\.reference)).count)
    }

    /// The edition of the workspace's reports (its profile's).
    package var reportEdition: ReportEdition { ReportEdition(profile: workspace.configuration.profile) }
}
