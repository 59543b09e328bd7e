import Casework
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Primitives

/// Turns every error of an API route into an RFC 9457 problem; an unexpected one is logged (its log form, which
/// names a case reference at most) and answered with a 500 that says no more.
struct APIErrorMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    let logger: Logger

    @concurrent func handle(
        _ request: Request, context: Context, next: @concurrent (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Problem.from(error)
            if problem.statusCode >= 500 {
                let text = (error as? any PalsError)?.logDescription ?? String(describing: type(of: error))
                logger.error(
                    "API request failed",
                    metadata: [
                        "route": "\(context.endpointPath ?? "?")", "method": "\(request.method.rawValue)",
                        "error": "\(text)",
                    ])
            }
            return try problem.response(from: request, context: context)
        }
    }
}

/// Bearer-token authentication and the per-token rate limit: sets the request's principal, or answers 401
/// (no, malformed, unknown or revoked token) or 429.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    let tokens: APITokens
    let rateLimiter: RateLimiter

    @concurrent func handle(
        _ request: Request, context: Context, next: @concurrent (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw Problem.unauthorized("send an API token as Authorization: Bearer pals_…")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw Problem.unauthorized("the Authorization header must be Bearer followed by the token")
        }
        let presented = parts[1].trimmingCharacters(in: .whitespaces)
        let tokens = self.tokens
        guard let record = try await blocking({ try tokens.check(presented) }) else {
            throw Problem.unauthorized("the token is not known or was revoked")
        }
        if let wait = rateLimiter.take(record.name, now: tokens.clock.now()) {
            throw Problem.tooManyRequests(retryAfter: wait)
        }
        var context = context
        context.principal = .token(name: record.name, scope: record.scope)
        return try await next(request, context)
    }
}
