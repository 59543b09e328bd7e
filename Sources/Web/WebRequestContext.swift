package import Hummingbird
import Logging
import NIOCore

/// The request context of every route: Hummingbird's core context plus who is asking, once a middleware knows.
package struct WebRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// Who made this request: set by the bearer-token middleware (API) or the session middleware (web app);
    /// nil until one of them has.
    package var principal: Principal?
    /// The IP address of the connection's other end (a proxy's, behind one): single sign-on trusts only some.
    package var peerAddress: String?

    package init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.principal = nil
        self.peerAddress = source.channel.remoteAddress?.ipAddress
    }
}
