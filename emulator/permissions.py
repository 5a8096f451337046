"""Application permissions per endpoint (docs/graph-notes.md#permissions).

A requirement is a list of clauses that must all hold; a clause holds when the token carries any
one of its permissions. The first permission of a clause is the least-privileged one and is the
one named in a 403 message. Higher permissions that imply a read are listed as alternatives.
"""
from __future__ import annotations

from dataclasses import dataclass

from .wire import access_denied


@dataclass(frozen=True)
class Requirement:
    clauses: tuple[tuple[str, ...], ...]

    def check(self, roles: frozenset[str]) -> None:
        for clause in self.clauses:
            if roles.isdisjoint(clause):
                alternatives = f" (or one of: {', '.join(clause[1:])})" if len(clause) > 1 else ""
                raise access_denied(
                    "Insufficient privileges to complete the operation. "
                    f"This request requires the application permission {clause[0]}{alternatives}."
                )


def need(*alternatives: str) -> Requirement:
    return Requirement((alternatives,))


def need_all(*requirements: Requirement) -> Requirement:
    return Requirement(tuple(clause for requirement in requirements for clause in requirement.clauses))


POLICY_READ = need("Policy.Read.All", "Policy.ReadWrite.CrossTenantAccess")
POLICY_WRITE = need("Policy.ReadWrite.CrossTenantAccess")

MTO_READ = need(
    "MultiTenantOrganization.Read.All",
    "MultiTenantOrganization.ReadBasic.All",
    "MultiTenantOrganization.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
)
MTO_WRITE = need("MultiTenantOrganization.ReadWrite.All")

APP_READ = need(
    "Application.Read.All",
    "Application.ReadWrite.OwnedBy",
    "Application.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
)
APP_WRITE = need("Application.ReadWrite.OwnedBy", "Application.ReadWrite.All")

SYNC_READ = need(
    "Synchronization.Read.All",
    "Synchronization.ReadWrite.All",
    "Application.ReadWrite.OwnedBy",
    "Application.ReadWrite.All",
    "Directory.ReadWrite.All",
)
SYNC_WRITE = need(
    "Synchronization.ReadWrite.All",
    "Application.ReadWrite.OwnedBy",
    "Application.ReadWrite.All",
    "Directory.ReadWrite.All",
)

ASSIGNMENT_READ = need(
    "Application.Read.All",
    "AppRoleAssignment.ReadWrite.All",
    "Application.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
)
ASSIGNMENT_WRITE = need_all(need("AppRoleAssignment.ReadWrite.All"), APP_READ)

USER_READ = need("User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All")
USER_WRITE = need("User.ReadWrite.All", "Directory.ReadWrite.All")

GROUP_READ = need(
    "GroupMember.Read.All",
    "Group.Read.All",
    "GroupMember.ReadWrite.All",
    "Group.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
)
GROUP_WRITE = need("Group.ReadWrite.All", "Directory.ReadWrite.All")
MEMBER_WRITE = need("GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All")

DELETED_ITEMS_READ = need(
    "Directory.Read.All", "Directory.ReadWrite.All", "User.Read.All", "Application.Read.All", "Group.Read.All"
)
DELETED_ITEMS_WRITE = need("Directory.ReadWrite.All", "User.ReadWrite.All", "Application.ReadWrite.All")

AUDIT_READ = need("AuditLog.Read.All")

# Tenant-wide settings `ctsync doctor` reads (graph/tenant_policies.py).
ORGANIZATION_READ = need("Organization.Read.All", "Directory.Read.All")
AUTHORIZATION_POLICY_WRITE = need("Policy.ReadWrite.Authorization")
EXTERNAL_IDENTITIES_WRITE = need("Policy.ReadWrite.ExternalIdentities")
CONDITIONAL_ACCESS_WRITE = need("Policy.ReadWrite.ConditionalAccess")

_ALL_REQUIREMENTS = [value for value in dict(globals()).values() if isinstance(value, Requirement)]

# What a token minted without `roles` carries: every permission any endpoint accepts.
ALL_PERMISSIONS: tuple[str, ...] = tuple(
    sorted({name for requirement in _ALL_REQUIREMENTS for clause in requirement.clauses for name in clause})
)
