import Foundation
import Models
import Testing

/// The policy's rule semantics: every scope × the caller's own or someone else's resource × role held or not.
@Suite struct AccessPolicyTests {
    static let centreA = CentreID(UUID())
    static let centreB = CentreID(UUID())
    static let projectA = ProjectID(UUID())
    static let projectB = ProjectID(UUID())
    static let alice = UserID(UUID())
    static let bob = UserID(UUID())

    static let policy = AccessPolicy(rules: [
        "getHealth": [AccessRule(.anonymous, scope: .any)],
        "listCentres": [AccessRule(.role(.administrator), scope: .any)],
        "storeStudies": [AccessRule(.role(.centreUploader), scope: .ownCentre)],
        "getProject": [AccessRule(.role(.researcher), scope: .projectMember)],
        "revokeToken": [AccessRule(.role(.researcher), scope: .ownToken)],
        "getMe": [AccessRule(.role(.researcher), scope: .ownUser)],
    ])

    struct Case: Sendable, CustomTestStringConvertible {
        var operation: String
        var principal: Principal
        var target: AccessTarget
        var expected: AccessPolicy.Decision
        var testDescription: String { "\(operation) \(expected)" }
    }

    static let uploaderA = Principal(user: alice, grants: [.init(role: .centreUploader, centre: centreA)])
    static let researcherA = Principal(user: alice, grants: [.init(role: .researcher)], projects: [projectA])
    static let admin = Principal(user: bob, grants: [.init(role: .administrator)])

    static let cases: [Case] = [
        Case(operation: "getHealth", principal: .anonymous, target: .none, expected: .allow),
        Case(operation: "getHealth", principal: researcherA, target: .none, expected: .allow),
        Case(operation: "listCentres", principal: .anonymous, target: .none, expected: .unauthenticated),
        Case(operation: "listCentres", principal: researcherA, target: .none, expected: .forbidden),
        Case(operation: "listCentres", principal: admin, target: .none, expected: .allow),
        Case(operation: "storeStudies", principal: uploaderA, target: .init(centre: centreA), expected: .allow),
        Case(operation: "storeStudies", principal: uploaderA, target: .init(centre: centreB), expected: .forbidden),
        Case(operation: "storeStudies", principal: uploaderA, target: .none, expected: .forbidden),
        Case(operation: "storeStudies", principal: admin, target: .init(centre: centreA), expected: .forbidden),
        Case(operation: "getProject", principal: researcherA, target: .init(project: projectA), expected: .allow),
        Case(operation: "getProject", principal: researcherA, target: .init(project: projectB), expected: .forbidden),
        Case(
            operation: "getProject", principal: Principal(user: bob, projects: [projectA]),
            target: .init(project: projectA), expected: .forbidden),
        Case(operation: "revokeToken", principal: researcherA, target: .init(owner: alice), expected: .allow),
        Case(operation: "revokeToken", principal: researcherA, target: .init(owner: bob), expected: .forbidden),
        Case(operation: "getMe", principal: researcherA, target: .init(owner: alice), expected: .allow),
        Case(operation: "getMe", principal: researcherA, target: .none, expected: .forbidden),
        Case(operation: "unknownOperation", principal: admin, target: .none, expected: .forbidden),
        Case(operation: "unknownOperation", principal: .anonymous, target: .none, expected: .unauthenticated),
    ]

    @Test(arguments: cases)
    func decidesByRoleAndScope(_ testCase: Case) {
        let decision = Self.policy.decide(
            operation: testCase.operation, principal: testCase.principal, target: testCase.target)
        #expect(decision == testCase.expected)
    }
}
