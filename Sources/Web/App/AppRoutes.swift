package import Casework
package import Engine
package import Foundation
import HTTPTypes
package import Hummingbird
package import Letters
package import Logging
package import NIOCore
package import Outbox
package import Primitives

/// The officers' web app: server-rendered pages under `/app` (added after the API's routes).
package enum AppRoutes {
    /// Adds the web app's pages to `router`.
    package static func add(to router: Router<WebRequestContext>, server: WebServer) {
        add(to: router, app: WebApp(server: server))
    }

    /// Adds the pages of `app` (tests give one with a fast bcrypt cost or a short lockout).
    package static func add(to router: Router<WebRequestContext>, app: WebApp) {
        router.get("app/static/app.css") { _, _ in
            var fields = AppSecurity.headers(contentType: "text/css; charset=utf-8")
            fields[.cacheControl] = "max-age=3600"
            return Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(string: AppStyle.css)))
        }
        router.get("app") { _, _ in AppSecurity.redirect(AppPaths.board) }
        router.get("app/sign-in") { request, context in try await app.signInPage(request, context) }
        router.post("app/sign-in") { request, _ in try await app.signIn(request) }
        router.get("app/sign-in/code") { request, _ in try await app.signInCodePage(request) }
        router.post("app/sign-in/code") { request, _ in try await app.signInCode(request) }
        router.post("app/sign-out") { request, context in
            try await app.signedIn(request, context, post: true) { signed, _ in try await app.signOut(signed) }
        }
        router.get("app/board") { request, context in
            try await app.signedIn(request, context) { signed, _ in try await app.board(request, signed) }
        }
        router.get("app/cases/new") { request, context in
            try await app.signedIn(request, context) { signed, _ in try await app.newCasePage(signed) }
        }
        router.post("app/cases/new") { request, context in
            try await app.signedIn(request, context, post: true) { signed, form in
                try await app.createCase(form, signed)
            }
        }
        router.get("app/cases/:ref") { request, context in
            try await app.signedIn(request, context) { signed, _ in
                try await app.casePage(try context.parameters.require("ref"), request, signed)
            }
        }
        router.get("app/cases/:ref/letters/new") { request, context in
            try await app.signedIn(request, context) { signed, _ in
                try await app.composePage(try context.parameters.require("ref"), request, signed)
            }
        }
        router.post("app/cases/:ref/letters/preview") { request, context in
            try await app.signedIn(request, context, post: true) { signed, form in
                try await app.preview(try context.parameters.require("ref"), form, signed)
            }
        }
        router.get("app/drafts/:id/letter.html") { request, context in
            try await app.signedIn(request, context) { signed, _ in
                try await app.draftLetter(try context.parameters.require("id"), pdf: false, signed)
            }
        }
        router.get("app/drafts/:id/letter.pdf") { request, context in
            try await app.signedIn(request, context) { signed, _ in
                try await app.draftLetter(try context.parameters.require("id"), pdf: true, signed)
            }
        }
        router.post("app/drafts/:id/send") { request, context in
            try await app.signedIn(request, context, post: true) { signed, _ in
                try await app.send(try context.parameters.require("id"), signed)
            }
        }
        router.get("app/cases/:ref/archive/:id") { request, context in
            try await app.signedIn(request, context) { signed, _ in
                try await app.archived(
                    try context.parameters.require("ref"), try context.parameters.require("id"), signed)
            }
        }
        router.get("app/cases/:ref/received/:id") { request, context in
            try await app.signedIn(request, context) { signed, _ in
                try await app.receivedFile(
                    try context.parameters.require("ref"), try context.parameters.require("id"), signed)
            }
        }
        router.post("app/cases/:ref/triage") { request, context in
            try await app.signedIn(request, context, post: true) { signed, form in
                try await app.triage(try context.parameters.require("ref"), form, signed)
            }
        }
        router.get("app/outbox") { request, context in
            try await app.signedIn(request, context) { signed, _ in try await app.outboxPage(request, signed) }
        }
        router.post("app/outbox/:id/:action") { request, context in
            try await app.signedIn(request, context, post: true) { signed, _ in
                try await app.outboxAction(
                    try context.parameters.require("id"), try context.parameters.require("action"), signed)
            }
        }
        router.get("app/triage") { request, context in
            try await app.signedIn(request, context) { signed, _ in try await app.triagePage(request, signed) }
        }
        router.get("app/status") { request, context in
            try await app.signedIn(request, context) { signed, _ in try await app.statusPage(signed) }
        }
    }
}
