package import WorkingDays

/// The complaints procedures pals knows, each with its own deadlines and bank-holiday division.
package enum ProfileID: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// England: NHS complaints regulations, SI 2009/309 regs 13 and 14.
    case england = "england"
    /// Wales: Putting Things Right, WSI 2011/704 regs 22 and 24.
    case wales = "wales"
    /// Scotland: the model complaints handling procedure (two stages).
    case scotland = "scotland"
    /// Northern Ireland: the HSC complaints procedure of the trusts.
    case northernIreland = "northern-ireland"
    /// Northern Ireland: NIPSO's model complaints handling procedure of 2025 (two stages).
    case northernIrelandMCHP = "northern-ireland-mchp"

    /// The profile's name, e.g. `northern-ireland-mchp`.
    package var description: String { self.rawValue }

    /// The bank-holiday division of the profile's jurisdiction.
    package var division: Division {
        switch self {
        case .england, .wales: .englandAndWales
        case .scotland: .scotland
        case .northernIreland, .northernIrelandMCHP: .northernIreland
        }
    }
}

/// The deadline rules of one complaints procedure; every number is a default the organisation may override.
///
/// Decoding starts from ``defaults(for:)`` of the `id` key and overrides only the keys present; an unknown key is
/// an error. Keys are the property names below.
package struct DeadlineProfile: Sendable, Hashable, Codable {
    /// Which procedure this is (`id`, required when decoding).
    package var id: ProfileID
    /// The bank-holiday division of its working days (`division`).
    package var division: Division
    /// Working days after receipt to acknowledge, for profiles without stages (`acknowledgeWorkingDays`).
    package var acknowledgeWorkingDays: Int
    /// Working days after receipt to respond when no complexity target applies, for profiles without stages.
    package var responseWorkingDays: Int
    /// Whether complaints go through stage 1 (frontline resolution) and stage 2 (investigation) (`hasStages`).
    package var hasStages: Bool = false
    /// Working days after receipt to decide at stage 1 (`stage1ResolveWorkingDays`, default 5).
    package var stage1ResolveWorkingDays: Int = 5
    /// Working days after receipt to decide at stage 1 when extended (`stage1ExtendedWorkingDays`, default 10).
    package var stage1ExtendedWorkingDays: Int = 10
    /// Working days after escalation to acknowledge at stage 2 (`stage2AcknowledgeWorkingDays`, default 3).
    package var stage2AcknowledgeWorkingDays: Int = 3
    /// Working days after escalation to respond at stage 2 (`stage2ResponseWorkingDays`, default 20).
    package var stage2ResponseWorkingDays: Int = 20
    /// Calendar months after receipt for the backstop, or nil for none (`backstopMonths`).
    package var backstopMonths: Int? = nil
    /// Whether an agreed response date later than the backstop moves the backstop (`backstopMovesWithAgreement`).
    package var backstopMovesWithAgreement: Bool = false
    /// Local response targets in working days by complexity, e.g. `standard: 25` (`responseTargets`; may be empty).
    package var responseTargets: [String: Int] = [:]
    /// The complexity assumed when a case names none (`defaultComplexity`, default `standard`).
    package var defaultComplexity: String = "standard"
    /// Working days before a deadline when it turns amber (`amberWorkingDays`, default 5).
    package var amberWorkingDays: Int = 5
    /// Months after the events (or becoming aware of them) within which a complaint is normally made; `nil` takes
    /// the jurisdiction's ``ProfileID/defaultOutOfTimeMonths`` (12, or 6 in Scotland). See ``outOfTimeLimitMonths``.
    package var outOfTimeMonths: Int? = nil

    /// Makes a profile; unnamed numbers take their defaults.
    package init(
        id: ProfileID, division: Division, acknowledgeWorkingDays: Int, responseWorkingDays: Int,
        hasStages: Bool = false, backstopMonths: Int? = nil, backstopMovesWithAgreement: Bool = false,
        responseTargets: [String: Int] = [:]
    ) {
        self.id = id
        self.division = division
        self.acknowledgeWorkingDays = acknowledgeWorkingDays
        self.responseWorkingDays = responseWorkingDays
        self.hasStages = hasStages
        self.backstopMonths = backstopMonths
        self.backstopMovesWithAgreement = backstopMovesWithAgreement
        self.responseTargets = responseTargets
    }

    /// The numbers of DESIGN's table for `id`.
    package static func defaults(for id: ProfileID) -> DeadlineProfile {
        switch id {
        case .england:
            DeadlineProfile(
                id: id, division: id.division, acknowledgeWorkingDays: 3, responseWorkingDays: 25,
                backstopMonths: 6, backstopMovesWithAgreement: true,
                responseTargets: ["standard": 25, "complex": 40, "very-complex": 60])
        case .wales:
            DeadlineProfile(
                id: id, division: id.division, acknowledgeWorkingDays: 2, responseWorkingDays: 30, backstopMonths: 6)
        case .northernIreland:
            DeadlineProfile(id: id, division: id.division, acknowledgeWorkingDays: 2, responseWorkingDays: 20)
        case .scotland, .northernIrelandMCHP:
            DeadlineProfile(
                id: id, division: id.division, acknowledgeWorkingDays: 3, responseWorkingDays: 20, hasStages: true)
        }
    }

    /// The working days to respond for `complexity` (nil: ``defaultComplexity``), without stages.
    ///
    /// A profile with no ``responseTargets`` ignores complexity and uses ``responseWorkingDays``.
    /// - Throws: ``DeadlineError/Code/unknownComplexity`` when targets exist and none is named `complexity`.
    package func responseWorkingDays(complexity: String?) throws(DeadlineError) -> Int {
        guard !self.responseTargets.isEmpty else { return self.responseWorkingDays }
        guard let complexity else { return self.responseTargets[self.defaultComplexity] ?? self.responseWorkingDays }
        guard let days = self.responseTargets[complexity] else {
            throw DeadlineError(
                .unknownComplexity,
                "profile \(self.id) has no response target for complexity \"\(complexity)\" (known: "
                    + "\(self.responseTargets.keys.sorted().joined(separator: ", ")))")
        }
        return days
    }

    /// Checks the numbers make sense: none negative, a positive backstop, a target for the default complexity.
    package func validate() throws(DeadlineError) {
        let counts: [(String, Int)] =
            [
                ("acknowledgeWorkingDays", self.acknowledgeWorkingDays),
                ("responseWorkingDays", self.responseWorkingDays),
                ("stage1ResolveWorkingDays", self.stage1ResolveWorkingDays),
                ("stage1ExtendedWorkingDays", self.stage1ExtendedWorkingDays),
                ("stage2AcknowledgeWorkingDays", self.stage2AcknowledgeWorkingDays),
                ("stage2ResponseWorkingDays", self.stage2ResponseWorkingDays),
                ("amberWorkingDays", self.amberWorkingDays),
            ] + self.responseTargets.sorted { $0.key < $1.key }.map { ("responseTargets.\($0.key)", $0.value) }
        for (name, value) in counts where value < 0 {
            throw DeadlineError(.invalidProfile, "profile \(self.id): \(name) is \(value), which is negative")
        }
        if let months = self.backstopMonths, months <= 0 {
            throw DeadlineError(.invalidProfile, "profile \(self.id): backstopMonths is \(months); it must be positive")
        }
        if !self.responseTargets.isEmpty, self.responseTargets[self.defaultComplexity] == nil {
            throw DeadlineError(
                .invalidProfile,
                "profile \(self.id): defaultComplexity \"\(self.defaultComplexity)\" has no response target")
        }
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case id, division, acknowledgeWorkingDays, responseWorkingDays, hasStages, stage1ResolveWorkingDays
        case stage1ExtendedWorkingDays, stage2AcknowledgeWorkingDays, stage2ResponseWorkingDays, backstopMonths
        case backstopMovesWithAgreement, responseTargets, defaultComplexity, amberWorkingDays
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Decodes the keys present over ``defaults(for:)`` of `id`, refusing unknown keys.
    package init(from decoder: any Decoder) throws {
        let all = try decoder.container(keyedBy: AnyKey.self)
        for key in all.allKeys where CodingKeys(stringValue: key.stringValue) == nil {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: all,
                debugDescription: "unknown key \"\(key.stringValue)\" (known: "
                    + CodingKeys.allCases.map(\.stringValue).joined(separator: ", ") + ")")
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var profile = DeadlineProfile.defaults(for: try container.decode(ProfileID.self, forKey: .id))
        func take<Value: Decodable>(_ key: CodingKeys, _ path: WritableKeyPath<DeadlineProfile, Value>) throws {
            if let value = try container.decodeIfPresent(Value.self, forKey: key) { profile[keyPath: path] = value }
        }
        try take(.division, \.division)
        try take(.acknowledgeWorkingDays, \.acknowledgeWorkingDays)
        try take(.responseWorkingDays, \.responseWorkingDays)
        try take(.hasStages, \.hasStages)
        try take(.stage1ResolveWorkingDays, \.stage1ResolveWorkingDays)
        try take(.stage1ExtendedWorkingDays, \.stage1ExtendedWorkingDays)
        try take(.stage2AcknowledgeWorkingDays, \.stage2AcknowledgeWorkingDays)
        try take(.stage2ResponseWorkingDays, \.stage2ResponseWorkingDays)
        if container.contains(.backstopMonths) {
            profile.backstopMonths =
                try container.decodeNil(forKey: .backstopMonths)
                ? nil : try container.decode(Int.self, forKey: .backstopMonths)
        }
        try take(.backstopMovesWithAgreement, \.backstopMovesWithAgreement)
        try take(.responseTargets, \.responseTargets)
        try take(.defaultComplexity, \.defaultComplexity)
        try take(.amberWorkingDays, \.amberWorkingDays)
        self = profile
    }

    /// Encodes every key, `backstopMonths` as null when there is none.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.id, forKey: .id)
        try container.encode(self.division, forKey: .division)
        try container.encode(self.acknowledgeWorkingDays, forKey: .acknowledgeWorkingDays)
        try container.encode(self.responseWorkingDays, forKey: .responseWorkingDays)
        try container.encode(self.hasStages, forKey: .hasStages)
        try container.encode(self.stage1ResolveWorkingDays, forKey: .stage1ResolveWorkingDays)
        try container.encode(self.stage1ExtendedWorkingDays, forKey: .stage1ExtendedWorkingDays)
        try container.encode(self.stage2AcknowledgeWorkingDays, forKey: .stage2AcknowledgeWorkingDays)
        try container.encode(self.stage2ResponseWorkingDays, forKey: .stage2ResponseWorkingDays)
        if let months = self.backstopMonths {
            try container.encode(months, forKey: .backstopMonths)
        } else {
            try container.encodeNil(forKey: .backstopMonths)
        }
        try container.encode(self.backstopMovesWithAgreement, forKey: .backstopMovesWithAgreement)
        try container.encode(self.responseTargets, forKey: .responseTargets)
        try container.encode(self.defaultComplexity, forKey: .defaultComplexity)
        try container.encode(self.amberWorkingDays, forKey: .amberWorkingDays)
    }
}
