/// A role a user holds in the portal; authorisation is decided from it and from the scope it applies to.
///
/// The roles are those of ../shared/ARCHITECTURE.md (Governance). The raw values are the names used in
/// `openapi.yaml` (`x-roles`) and in the database.
public enum Role: String, Sendable, CaseIterable, Codable {
    case administrator
    case centreUploader = "centre_uploader"
    case scientificCommittee = "scientific_committee"
    case ethicsCommittee = "ethics_committee"
    case dataController = "data_controller"
    case technicalSubcontractor = "technical_subcontractor"
    case researcher
    case auditor
}
