/// GOV.UK-style form fields: a label, optional hint, the error message beside the field, and the input, tied
/// together with `aria-describedby`.
package enum FormFields {
    /// A one-line text input.
    package static func text(
        id: String, name: String, label: String, hint: String? = nil, value: String?, error: String?,
        type: String = "text", autocomplete: String? = nil, width: String? = nil
    ) -> HTML {
        let auto: HTML = autocomplete.map { " autocomplete=\"\($0)\"" } ?? " autocomplete=\"off\""
        let widthClass: HTML = width.map { " input--\($0)" } ?? ""
        return group(id: id, label: label, hint: hint, error: error) { describedBy in
            """
            <input class="input\(widthClass)\(error == nil ? "" : " input--error" as HTML)" id="\(id)" name="\(name)" \
            type="\(type)" value="\(value ?? "")"\(auto)\(describedBy)\(error == nil ? "" : " aria-invalid=\"true\"" as HTML)>
            """
        }
    }

    /// A multi-line text box.
    package static func textarea(
        id: String, name: String, label: String, hint: String? = nil, value: String?, error: String?, rows: Int = 5
    ) -> HTML {
        group(id: id, label: label, hint: hint, error: error) { describedBy in
            """
            <textarea class="textarea\(error == nil ? "" : " input--error" as HTML)" id="\(id)" name="\(name)" \
            rows="\(rows)"\(describedBy)\(error == nil ? "" : " aria-invalid=\"true\"" as HTML)>\(value ?? "")</textarea>
            """
        }
    }

    /// A drop-down list; `options` are (value, label).
    package static func select(
        id: String, name: String, label: String, hint: String? = nil, options: [(String, String)], selected: String?,
        error: String?
    ) -> HTML {
        let items = options.map { option -> HTML in
            let chosen: HTML = option.0 == selected ? " selected" : ""
            return "<option value=\"\(option.0)\"\(chosen)>\(option.1)</option>"
        }
        return group(id: id, label: label, hint: hint, error: error) { describedBy in
            "<select class=\"select\" id=\"\(id)\" name=\"\(name)\"\(describedBy)>\(items)</select>"
        }
    }

    /// A set of radio buttons in a fieldset; the first radio carries `id` so an error summary can link to it.
    package static func radios(
        id: String, name: String, legend: String, hint: String? = nil, options: [(String, String)],
        selected: String?, error: String?
    ) -> HTML {
        let hintHTML: HTML = hint.map { "<div id=\"\(id)-hint\" class=\"hint\">\($0)</div>" } ?? .empty
        let errorHTML: HTML =
            error.map {
                "<p id=\"\(id)-error\" class=\"error-message\"><span class=\"visually-hidden\">Error:</span> \($0)</p>"
            } ?? .empty
        let described = [hint.map { _ in "\(id)-hint" }, error.map { _ in "\(id)-error" }].compactMap { $0 }
        let describedBy: HTML =
            described.isEmpty ? .empty : " aria-describedby=\"\(described.joined(separator: " "))\""
        let items = options.enumerated().map { index, option -> HTML in
            let inputID = index == 0 ? id : "\(id)-\(index + 1)"
            let checked: HTML = option.0 == selected ? " checked" : ""
            return """
                <div class="radios__item">
                <input class="radios__input" id="\(inputID)" name="\(name)" type="radio" value="\(option.0)"\(checked)>
                <label class="radios__label" for="\(inputID)">\(option.1)</label>
                </div>
                """
        }
        return """
            <div class="form-group\(error == nil ? "" : " form-group--error" as HTML)">
            <fieldset class="fieldset"\(describedBy)>
            <legend class="fieldset__legend">\(legend)</legend>
            \(hintHTML)\(errorHTML)
            <div class="radios">\(items)</div>
            </fieldset>
            </div>
            """
    }

    private static func group(id: String, label: String, hint: String?, error: String?, input: (HTML) -> HTML)
        -> HTML
    {
        let hintHTML: HTML = hint.map { "<div id=\"\(id)-hint\" class=\"hint\">\($0)</div>" } ?? .empty
        let errorHTML: HTML =
            error.map {
                "<p id=\"\(id)-error\" class=\"error-message\"><span class=\"visually-hidden\">Error:</span> \($0)</p>"
            } ?? .empty
        let described = [hint.map { _ in "\(id)-hint" }, error.map { _ in "\(id)-error" }].compactMap { $0 }
        let describedBy: HTML =
            described.isEmpty ? .empty : " aria-describedby=\"\(described.joined(separator: " "))\""
        return """
            <div class="form-group\(error == nil ? "" : " form-group--error" as HTML)">
            <label class="label" for="\(id)">\(label)</label>
            \(hintHTML)\(errorHTML)\(input(describedBy))
            </div>
            """
    }
}
