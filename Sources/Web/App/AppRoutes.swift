package import Hummingbird

/// The officers' web app: server-rendered pages (owned by the web app; added after the API's routes).
package enum AppRoutes {
    /// Adds the web app's pages to `router`.
    package static func add(to router: Router<WebRequestContext>, server: WebServer) {}
}
