import Casework
import Engine
import Foundation
import HTTPTypes
package import Hummingbird
import HummingbirdCore
import Letters
import Logging
import NIOCore
import Outbox
import Primitives

/// The JSON API, `/api/v1`: cases, the deadline board, letter previews and queued letters, described by the
/// OpenAPI document at `/api/v1/openapi.json`.
package enum APIRoutes {
    /// Adds the API's routes to `router`.
    package static func add(to router: Router<WebRequestContext>, server: WebServer) {
        let handlers = APIHandlers(server: server)
        router.get("api/v1/openapi.json") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: PackageResources.openapi_json)))
        }
        let api = router.group("api/v1")
            .add(middleware: APIErrorMiddleware(logger: server.logger))
            .add(middleware: BearerAuthMiddleware(tokens: server.tokens, rateLimiter: server.rateLimiter))
        api.post("cases") { request, context in try await handlers.createCase(request, context) }
        api.get("cases") { request, context in try await handlers.listCases(request, context) }
        api.get("cases/{ref}") { request, context in try await handlers.showCase(request, context) }
        api.get("board") { request, context in try await handlers.board(request, context) }
        api.get("cases/{ref}/letters/{kind}/preview") { request, context in
            try await handlers.preview(request, context, inputs: [:])
        }
        api.post("cases/{ref}/letters/{kind}/preview") { request, context in
            var request = request
            let body = try await handlers.jsonBody(&request)
            return try await handlers.preview(request, context, inputs: try LetterRequest.inputs(body))
        }
        api.post("cases/{ref}/letters") { request, context in try await handlers.queueLetter(request, context) }
    }
}

/// What a route answers, kept as bytes so an idempotent request can store and replay it exactly.
struct APIAnswer: Sendable {
    var status: HTTPResponse.Status
    var contentType: String
    var body: Data
    var location: String?

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> APIAnswer {
        APIAnswer(status: status, contentType: "application/json", body: try JSONEncoder.api.encode(value))
    }

    var response: Response {
        var headers: HTTPFields = [.contentType: contentType]
        if let location { headers[.location] = location }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// A case as one row of a list: what it is and where it stands, without personal details.
struct CaseSummary: Encodable, Sendable {
    let reference: String
    let kind: CaseKind
    let status: CaseStatus
    let officer: String
    let profile: ProfileID
    let stage: Int?
    let receivedAt: Date
    let needsAttention: Bool

    init(_ record: Case) {
        reference = record.reference
        kind = record.kind
        status = record.status
        officer = record.officer
        profile = record.profile
        stage = record.stage
        receivedAt = record.receivedAt
        needsAttention = record.attention != nil
    }
}

/// A page of the case list.
struct CasePage: Encodable, Sendable {
    let items: [CaseSummary]
    let offset: Int
    let limit: Int
    let total: Int
}

/// What queueing a letter did.
struct QueuedLetter: Encodable, Sendable {
    let reference: String
    let kind: String
    /// `email` or `print`.
    let channel: String
    /// The outbox message id (email only).
    let messageId: String?
    /// The message's state in the outbox (email only).
    let state: String?
    /// The print file's name in the print queue (post only).
    let printFile: String?
    /// False when the same letter had been queued before (nothing new was queued).
    let isNew: Bool
}

/// The body of `POST …/letters` (and of a preview with inputs): `{"kind": …, "inputs": {…}}`.
enum LetterRequest {
    /// The officer inputs of a body: an object of strings under `inputs`; every bad one is named.
    static func inputs(_ object: [String: Any], allowKind: Bool = false) throws -> [String: String] {
        var problems: [Problem.FieldProblem] = []
        let known: Set<String> = allowKind ? ["kind", "inputs"] : ["inputs"]
        for key in object.keys.sorted() where !known.contains(key) {
            problems.append(
                .init(
                    field: key,
                    detail: "is not a field of this request (known: \(known.sorted().joined(separator: ", ")))"))
        }
        var inputs: [String: String] = [:]
        if let raw = object["inputs"], !(raw is NSNull) {
            if let dictionary = raw as? [String: Any] {
                for (key, value) in dictionary.sorted(by: { $0.key < $1.key }) {
                    if let text = value as? String {
                        inputs[key] = text
                    } else {
                        problems.append(.init(field: "inputs.\(key)", detail: "must be a string"))
                    }
                }
            } else {
                problems.append(.init(field: "inputs", detail: "must be an object of strings"))
            }
        }
        if !problems.isEmpty {
            throw Problem(
                .unprocessableContent, kind: "invalid-fields", title: "Some fields are missing or wrong",
                detail: "the request was not taken: \(problems.count) problem(s)", errors: problems)
        }
        return inputs
    }
}

/// The API's handlers, sharing one server.
struct APIHandlers: Sendable {
    let server: WebServer

    // MARK: Cases

    func createCase(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let principal = try require(.createCases, context)
        var request = request
        let body = try await rawJSONBody(&request)
        let server = self.server
        return try await idempotent(request, body: body, principal: principal) {
            try await blocking {
                let logged = try server.casebook.log(json: body)
                try server.audit.record(reference: logged.reference, principal: principal, action: .created)
                let history = try server.casebook.register.events(for: logged.reference)
                var answer = try APIAnswer.json(CaseReports.Detail(case: logged, history: history), status: .created)
                answer.location = "/api/v1/cases/\(logged.reference)"
                server.logger.info("case logged over the API", metadata: ["case": "\(logged.reference)"])
                return answer
            }
        }.response
    }

    func listCases(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        _ = try require(.readCases, context)
        let query = request.uri.queryParameters
        let offset = try integer(query, "offset", default: 0, in: 0...Int.max)
        let limit = try integer(query, "limit", default: 50, in: 1...500)
        let openOnly = try boolean(query, "open", default: false)
        let officer = query["officer"].map(String.init)
        let server = self.server
        return try await blocking {
            // One page read with LIMIT/OFFSET, and a count: never the whole register in memory.
            let page = try server.records.register.cases(
                CaseFilter(openOnly: openOnly, officer: officer), offset: offset, limit: limit)
            return try APIAnswer.json(
                CasePage(items: page.cases.map(CaseSummary.init), offset: offset, limit: limit, total: page.total))
        }.response
    }

    func showCase(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let principal = try require(.readCases, context)
        let reference = try self.reference(context)
        let server = self.server
        return try await blocking {
            let found = try server.casebook.register.get(reference)
            let history = try server.casebook.register.events(for: reference)
            try server.audit.record(reference: reference, principal: principal, action: .viewed)
            return try APIAnswer.json(CaseReports.Detail(case: found, history: history))
        }.response
    }

    func board(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        _ = try require(.readCases, context)
        let query = request.uri.queryParameters
        let officer = query["officer"].map(String.init)
        let within: Int? = try query["within"] == nil ? nil : integer(query, "within", default: 0, in: 0...10_000)
        let overdue = try boolean(query, "overdue", default: false)
        let server = self.server
        return try await blocking {
            try APIAnswer.json(server.boardCache.board(officer: officer, within: within, overdueOnly: overdue))
        }.response
    }

    // MARK: Letters

    /// The media types of a preview, by `format`.
    enum PreviewFormat: String, CaseIterable {
        case text, html, pdf

        var contentType: String {
            switch self {
            case .text: "text/plain; charset=utf-8"
            case .html: "text/html; charset=utf-8"
            case .pdf: "application/pdf"
            }
        }
    }

    func preview(_ request: Request, _ context: WebRequestContext, inputs: [String: String]) async throws -> Response {
        let principal = try require(.readCases, context)
        let reference = try self.reference(context)
        let kind = try letterKind(context.parameters.get("kind"))
        let raw = request.uri.queryParameters["format"].map(String.init) ?? "text"
        guard let format = PreviewFormat(rawValue: raw) else {
            throw Problem.badRequest(
                "format must be text, html or pdf",
                errors: [.init(field: "format", detail: "must be text, html or pdf")])
        }
        let server = self.server
        return try await blocking {
            let letter = try server.postroom.letters.prepare(kind, reference: reference, inputs: inputs)
            let data = try LetterPreview.data(letter, format: format)
            try server.audit.record(
                reference: reference, principal: principal, action: .previewed, detail: kind.rawValue)
            return APIAnswer(status: .ok, contentType: format.contentType, body: data)
        }.response
    }

    func queueLetter(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let principal = try require(.queueLetters, context)
        let reference = try self.reference(context)
        var request = request
        let raw = try await rawJSONBody(&request)
        let server = self.server
        return try await idempotent(request, body: raw, principal: principal) {
            let object = try Self.object(raw)
            var problems: [Problem.FieldProblem] = []
            let kindText = object["kind"] as? String
            if kindText == nil {
                problems.append(.init(field: "kind", detail: object["kind"] == nil ? "is missing" : "must be a string"))
            }
            let inputs: [String: String]
            do {
                inputs = try LetterRequest.inputs(object, allowKind: true)
            } catch let problem as Problem {
                throw Problem(
                    .unprocessableContent, kind: "invalid-fields", title: problem.title,
                    detail: "the letter was not queued", errors: problems + (problem.errors ?? []))
            }
            guard let kindText, problems.isEmpty else {
                throw Problem(
                    .unprocessableContent, kind: "invalid-fields", title: "Some fields are missing or wrong",
                    detail: "the letter was not queued", errors: problems)
            }
            let kind = try letterKind(kindText)
            return try await blocking {
                let queued = try server.postroom.sendLetter(kind, reference: reference, inputs: inputs)
                try server.audit.record(
                    reference: reference, principal: principal, action: .queuedLetter, detail: kind.rawValue)
                let result: QueuedLetter
                switch queued {
                case .email(let item, let isNew):
                    result = QueuedLetter(
                        reference: reference, kind: kind.rawValue, channel: "email", messageId: item.id,
                        state: item.state.rawValue, printFile: nil, isNew: isNew)
                case .print(let file, let isNew):
                    result = QueuedLetter(
                        reference: reference, kind: kind.rawValue, channel: "print", messageId: nil, state: nil,
                        printFile: file.lastPathComponent, isNew: isNew)
                }
                server.logger.info(
                    "letter queued over the API", metadata: ["case": "\(reference)", "kind": "\(kind.rawValue)"])
                return try APIAnswer.json(result, status: result.isNew ? .created : .ok)
            }
        }.response
    }

    // MARK: Requests

    /// The principal, if its token allows `permission`; else 401 (no principal) or 403.
    func require(_ permission: APIPermission, _ context: WebRequestContext) throws -> Principal {
        guard let principal = context.principal else { throw Problem.unauthorized("no API token was given") }
        if case .token(_, let scope) = principal, !scope.allows(permission) {
            throw Problem.forbidden(scope, permission)
        }
        return principal
    }

    /// The `{ref}` of the path: a case reference has letters, digits, `-`, `_` and `.` only, never `..`.
    func reference(_ context: WebRequestContext) throws -> String {
        let raw = context.parameters.get("ref") ?? ""
        let decoded = raw.removingPercentEncoding ?? raw
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
        guard !decoded.isEmpty, decoded.count <= 64, !decoded.contains(".."),
            decoded.unicodeScalars.allSatisfy(allowed.contains)
        else {
            throw Problem.badRequest(
                "the path does not name a case reference",
                errors: [.init(field: "ref", detail: "must be a case reference such as PALS-2026-0042")])
        }
        return decoded
    }

    /// A kind of letter the templates have, else 404.
    func letterKind(_ raw: String?) throws -> LetterKind {
        let text = raw.map { $0.removingPercentEncoding ?? $0 } ?? ""
        let kinds = server.postroom.letters.library.caseLetterKinds
        guard let kind = kinds.first(where: { $0.rawValue == text }) else {
            throw Problem.notFound(
                "'\(text.escapingControls)' is not a kind of letter (known: \(kinds.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        return kind
    }

    /// The request's body as bytes, if it is JSON and no larger than `http.maxBodyBytes`.
    func rawJSONBody(_ request: inout Request) async throws -> Data {
        let type = request.headers[.contentType]
        let media = type?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard let media, media == "application/json" || (media.hasPrefix("application/") && media.hasSuffix("+json"))
        else { throw Problem.unsupportedMediaType(type) }
        let limit = server.settings.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw Problem.tooLarge(limit)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch {
            throw Problem.tooLarge(limit)
        }
        return Data(buffer.readableBytesView)
    }

    /// The request's body as a JSON object.
    func jsonBody(_ request: inout Request) async throws -> [String: Any] {
        try Self.object(try await rawJSONBody(&request))
    }

    static func object(_ data: Data) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Problem(
                .unprocessableContent, kind: "invalid-fields", title: "The body is not a JSON object",
                detail: "the body must be a JSON object",
                errors: [.init(field: "(body)", detail: "must be a JSON object")])
        }
        return object
    }

    func integer(
        _ query: FlatDictionary<Substring, Substring>, _ name: String, default value: Int, in range: ClosedRange<Int>
    ) throws -> Int {
        guard let raw = query[Substring(name)] else { return value }
        guard let number = Int(raw), range.contains(number) else {
            let upper = range.upperBound == Int.max ? "or more" : "to \(range.upperBound)"
            throw Problem.badRequest(
                "\(name) must be a whole number from \(range.lowerBound) \(upper)",
                errors: [.init(field: name, detail: "must be a whole number from \(range.lowerBound) \(upper)")])
        }
        return number
    }

    func boolean(_ query: FlatDictionary<Substring, Substring>, _ name: String, default value: Bool) throws -> Bool {
        guard let raw = query[Substring(name)] else { return value }
        switch raw {
        case "true": return true
        case "false": return false
        default:
            throw Problem.badRequest(
                "\(name) must be true or false", errors: [.init(field: name, detail: "must be true or false")])
        }
    }

    // MARK: Idempotency

    /// Answers a POST once per `Idempotency-Key`: a retry with the same body gets the first answer again; the same
    /// key with another body is 422; a retry while the first is still being answered is 409. A key is remembered
    /// for `http.idempotencyHours`: after that it is a new request.
    func idempotent(
        _ request: Request, body: Data, principal: Principal, answer: @Sendable () async throws -> APIAnswer
    ) async throws -> APIAnswer {
        guard let key = request.headers[HTTPField.Name("Idempotency-Key")!] else { return try await answer() }
        guard (1...255).contains(key.utf8.count), key.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) })
        else {
            throw Problem.badRequest(
                "the Idempotency-Key must be 1 to 255 visible ASCII characters",
                errors: [.init(field: "Idempotency-Key", detail: "must be 1 to 255 visible ASCII characters")])
        }
        var hasher = SHA256Digest()
        hasher.update("\(request.method.rawValue) \(request.uri.path)\n".utf8)
        hasher.update(body)
        let hash = hasher.finalizeHex()
        let owner = principal.description
        let records = server.records
        let now = server.casebook.clock.now()
        let cutoff = now.addingTimeInterval(-Double(server.settings.idempotencyHours) * 3600)
        if let stored = try await blocking({
            try records.claimIdempotent(token: owner, key: key, requestHash: hash, now: now, forgettingBefore: cutoff)
        }) {
            guard stored.requestHash == hash else { throw Problem.idempotencyMismatch() }
            guard let status = stored.status, let body = stored.body else { throw Problem.idempotencyInProgress() }
            return APIAnswer(
                status: .init(code: status), contentType: stored.contentType ?? "application/json", body: body,
                location: nil)
        }
        do {
            let result = try await answer()
            try await blocking {
                try records.finishIdempotent(
                    token: owner, key: key, status: result.status.code, contentType: result.contentType,
                    body: result.body)
            }
            return result
        } catch {
            try? await blocking { try records.releaseIdempotent(token: owner, key: key) }
            throw error
        }
    }
}

/// A prepared letter as `pals preview` writes it to a file: the text form with its Subject and To lines, the
/// HTML, or the PDF (invariant 9: the same bytes as the CLI's preview).
enum LetterPreview {
    static func data(_ letter: PreparedLetter, format: APIHandlers.PreviewFormat) throws -> Data {
        switch format {
        case .text:
            let header =
                "Subject: \(letter.merged.subject)\nTo: \(letter.recipientLine)\n" + String(repeating: "-", count: 72)
                + "\n"
            return Data((header + letter.merged.text).utf8)
        case .html:
            return Data(letter.merged.html.utf8)
        case .pdf:
            return try letter.pdf()
        }
    }
}
