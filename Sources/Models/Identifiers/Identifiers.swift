public import Foundation

/// Identifies a centre (a hospital or an upload gateway that sends studies).
public struct CentreID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: UUID
    public init(_ rawValue: UUID) { self.rawValue = rawValue }
    public var description: String { rawValue.uuidString.lowercased() }
}

/// Identifies a research project.
public struct ProjectID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: UUID
    public init(_ rawValue: UUID) { self.rawValue = rawValue }
    public var description: String { rawValue.uuidString.lowercased() }
}

/// Identifies a user of the portal (a person or a gateway's service account).
public struct UserID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: UUID
    public init(_ rawValue: UUID) { self.rawValue = rawValue }
    public var description: String { rawValue.uuidString.lowercased() }
}
