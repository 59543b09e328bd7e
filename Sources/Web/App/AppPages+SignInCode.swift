extension AppPages {
    /// The second step of signing in for an account enrolled in sign-in codes: the 6-digit code from the app.
    package static func signInCode(csrfToken: String, problem: String?) -> HTML {
        let messages = problem.map { [FieldMessage(fieldID: "code", message: $0)] } ?? []
        let main: HTML = """
            \(AppLayout.errorSummary(messages))
            <h1 class="heading-l">Enter your sign-in code</h1>
            <p class="body">Open the authenticator app on your phone and enter the 6-digit code it shows for pals.</p>
            <form method="post" action="\(AppPaths.signInCode)" novalidate>
            \(AppLayout.csrfField(csrfToken))
            \(FormFields.text(id: "code", name: "code", label: "Sign-in code", hint: "For example, 123456", value: nil, error: problem, autocomplete: "one-time-code", width: "20"))
            <button type="submit" class="button">Continue</button>
            </form>
            <p class="body"><a href="\(AppPaths.signIn)">Start again with your name and password</a></p>
            """
        return AppLayout.page(title: "Enter your sign-in code", viewer: nil, hasErrors: problem != nil, main: main)
    }
}
