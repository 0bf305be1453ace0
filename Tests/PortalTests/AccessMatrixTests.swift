import Foundation
import Models
import Testing

/// The authorisation matrix declared in `openapi.yaml` (`x-roles`), checked against the one policy:
/// every operation × every role × the caller's own or someone else's centre, project, token or user.
@Suite struct AccessMatrixTests {
    struct DeclaredRule: Decodable, Hashable {
        var role: String
        var scope: String
    }

    struct DeclaredOperation: Decodable, Sendable, CustomTestStringConvertible {
        var operationId: String
        var method: String
        var path: String
        var served: Bool
        var `public`: Bool
        var roles: [DeclaredRule]
        var testDescription: String { "\(method) \(path) (\(operationId))" }

        enum CodingKeys: String, CodingKey {
            case operationId = "operation_id", method, path, served, `public`, roles
        }
    }

    static let declared: [DeclaredOperation] = {
        let output = Data(((try? CheckerRun.make(arguments: ["--operations-json"]))?.standardOutput ?? "").utf8)
        return (try? JSONDecoder().decode([DeclaredOperation].self, from: output)) ?? []
    }()

    static let mine = (centre: CentreID(UUID()), project: ProjectID(UUID()), user: UserID(UUID()))
    static let theirs = (centre: CentreID(UUID()), project: ProjectID(UUID()), user: UserID(UUID()))

    @Test func specDeclaresOperations() {
        #expect(Self.declared.count > 50, "scripts/check-openapi.py --operations-json gave no operations")
    }

    @Test func generatedTableMatchesTheSpec() {
        for operation in Self.declared {
            let expected: Set<AccessRule> =
                operation.public
                ? [AccessRule(.anonymous, scope: .any)]
                : Set(operation.roles.compactMap { rule in
                    guard let role = Role(rawValue: rule.role), let scope = AccessScope(rawValue: rule.scope)
                    else { return nil }
                    return AccessRule(.role(role), scope: scope)
                })
            let generated = Set(OperationAccess.rules[operation.operationId] ?? [])
            #expect(
                generated == expected,
                "\(operation.operationId): run scripts/generate-access-table.py after editing x-roles")
        }
        #expect(OperationAccess.rules.count == Self.declared.count)
    }

    @Test(arguments: declared)
    func everyRoleOnOwnAndOthersResources(_ operation: DeclaredOperation) {
        let policy = OperationAccess.policy
        let anonymous = policy.decide(
            operation: operation.operationId, principal: .anonymous, target: Self.target(Self.mine))
        #expect(anonymous == (operation.public ? .allow : .unauthenticated), "anonymous")
        for role in Role.allCases {
            let principal = Principal(
                user: Self.mine.user, grants: [.init(role: role, centre: Self.mine.centre)],
                projects: [Self.mine.project])
            let declaredScopes = Set(operation.roles.filter { $0.role == role.rawValue }.map(\.scope))
            let own = policy.decide(
                operation: operation.operationId, principal: principal, target: Self.target(Self.mine))
            let others = policy.decide(
                operation: operation.operationId, principal: principal, target: Self.target(Self.theirs))
            let ownExpected = operation.public || !declaredScopes.isEmpty
            let othersExpected = operation.public || declaredScopes.contains("any")
            #expect(own == (ownExpected ? .allow : .forbidden), "\(role) on own resource")
            #expect(others == (othersExpected ? .allow : .forbidden), "\(role) on someone else's resource")
        }
    }

    static func target(_ owner: (centre: CentreID, project: ProjectID, user: UserID)) -> AccessTarget {
        AccessTarget(centre: owner.centre, project: owner.project, owner: owner.user)
    }
}
