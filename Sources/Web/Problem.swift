package import Casework
import Engine
package import Foundation
package import HTTPTypes
package import Hummingbird
import Letters
import Primitives

/// An HTTP API error as an RFC 9457 problem document (`application/problem+json`), listing every field problem.
package struct Problem: Error, Sendable, Encodable, HTTPResponseError {
    /// One problem with one field of the request.
    package struct FieldProblem: Sendable, Encodable, Equatable {
        /// The dotted path of the field, e.g. `complainant.email`.
        package let field: String
        package let detail: String
    }

    /// A URI naming the kind of problem (`urn:pals:problem:…`).
    package let type: String
    package let title: String
    package let statusCode: Int
    package let detail: String
    /// Every field problem, for a request that was refused for its fields.
    package let errors: [FieldProblem]?
    /// Extra headers (`WWW-Authenticate`, `Retry-After`).
    let headers: [(HTTPField.Name, String)]

    package init(
        _ status: HTTPResponse.Status, kind: String, title: String, detail: String, errors: [FieldProblem]? = nil,
        headers: [(HTTPField.Name, String)] = []
    ) {
        self.type = "urn:pals:problem:\(kind)"
        self.title = title
        self.statusCode = status.code
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, errors
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        try container.encode(title, forKey: .title)
        try container.encode(statusCode, forKey: .status)
        try container.encode(detail, forKey: .detail)
        try container.encodeIfPresent(errors, forKey: .errors)
    }

    package var status: HTTPResponse.Status { .init(code: statusCode) }

    /// The media type of a problem document.
    package static let mediaType = "application/problem+json"

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = HTTPFields()
        fields[.contentType] = Self.mediaType
        for (name, value) in headers { fields.append(HTTPField(name: name, value: value)) }
        let body = (try? JSONEncoder.api.encode(self)) ?? Data("{}".utf8)
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    // MARK: The problems of the API

    static func unauthorized(_ detail: String) -> Problem {
        Problem(
            .unauthorized, kind: "unauthorized", title: "A valid API token is needed", detail: detail,
            headers: [(.wwwAuthenticate, "Bearer realm=\"pals\"")])
    }

    static func forbidden(_ scope: TokenScope, _ permission: APIPermission) -> Problem {
        let what =
            switch permission {
            case .createCases: "create cases"
            case .readCases: "read cases"
            case .queueLetters: "queue letters"
            }
        return Problem(
            .forbidden, kind: "forbidden", title: "The token's scope does not allow this",
            detail: "a token of scope \(scope.rawValue) may not \(what)")
    }

    static func badRequest(_ detail: String, errors: [FieldProblem]? = nil) -> Problem {
        Problem(
            .badRequest, kind: "bad-request", title: "The request is not one the API takes", detail: detail,
            errors: errors)
    }

    static func notFound(_ detail: String) -> Problem {
        Problem(.notFound, kind: "not-found", title: "Not found", detail: detail)
    }

    static func tooLarge(_ limit: Int) -> Problem {
        Problem(
            .contentTooLarge, kind: "too-large", title: "The request body is too large",
            detail: "the body is larger than \(limit) bytes")
    }

    static func unsupportedMediaType(_ given: String?) -> Problem {
        Problem(
            .unsupportedMediaType, kind: "unsupported-media-type", title: "The body must be JSON",
            detail: "send the body as application/json" + (given.map { " (it was \($0.escapingControls))" } ?? ""))
    }

    static func tooManyRequests(retryAfter: Int) -> Problem {
        Problem(
            .tooManyRequests, kind: "rate-limited", title: "Too many requests",
            detail: "this token has made too many requests; try again in \(retryAfter) s",
            headers: [(.retryAfter, "\(retryAfter)")])
    }

    static func idempotencyMismatch() -> Problem {
        Problem(
            .unprocessableContent, kind: "idempotency-key-reused",
            title: "The Idempotency-Key was used for another request",
            detail: "this Idempotency-Key was first sent with a different body; use a new key for a new request")
    }

    static func idempotencyInProgress() -> Problem {
        Problem(
            .conflict, kind: "idempotency-in-progress",
            title: "The first request with this key is still being answered",
            detail: "retry in a moment", headers: [(.retryAfter, "1")])
    }

    /// The problem an engine error is for a client: field problems are 422, a missing case 404, a letter the
    /// case's state forbids 409; anything else is 500, with no detail but that it was logged.
    static func from(_ error: any Error) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let form as CaseFormError:
            return Problem(
                .unprocessableContent, kind: "invalid-fields", title: "Some fields are missing or wrong",
                detail: form.outcome + ": \(form.problems.count) problem(s)",
                errors: form.problems.map { FieldProblem(field: $0.field, detail: $0.message) })
        case let register as RegisterError where register.code == .notFound:
            return .notFound(register.message)
        case let register as RegisterError where register.code == .invalid:
            return Problem(.conflict, kind: "conflict", title: "The change was refused", detail: register.message)
        case let transition as CaseTransitionError:
            return Problem(
                .conflict, kind: "not-allowed", title: "The case's state does not allow this",
                detail: transition.description)
        case let desk as LetterDeskError:
            if desk.code == .notAllowed {
                return Problem(
                    .conflict, kind: "letter-not-allowed", title: "The case's state does not allow this letter",
                    detail: desk.message)
            }
            return Problem(
                .unprocessableContent, kind: "letter-refused", title: "The letter cannot be prepared",
                detail: desk.message,
                errors: desk.input.map { [FieldProblem(field: "inputs.\($0)", detail: desk.message)] })
        case let letter as LetterError:
            if letter.code == .unknownKind {
                return .notFound(letter.errorDescription ?? "no such kind of letter")
            }
            let fields = letter.problems.map { FieldProblem(field: $0.name ?? "letter", detail: $0.description) }
            return Problem(
                .unprocessableContent, kind: "letter-refused", title: "The letter cannot be merged",
                detail: letter.errorDescription ?? letter.code.name, errors: fields.isEmpty ? nil : fields)
        default:
            return Problem(
                .internalServerError, kind: "internal", title: "Something went wrong in pals",
                detail: "the error was logged for the administrator")
        }
    }
}

extension JSONEncoder {
    /// The API's encoder: the same as the CLI's `--json` output.
    static var api: JSONEncoder { CaseReports.jsonEncoder() }
}
