"""One direction's settings (shared by ctsync:sync entries and topology defaults) and ctsync:sync entries."""
from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from .expressions import ExpressionError, parse
from .model import (
    DEFAULT_DELETION_THRESHOLD,
    DEFAULT_USER_TYPE,
    FILTER_OPERATORS,
    VALUELESS_FILTER_OPERATORS,
    AttributeMapping,
    ManagedGroup,
    Scope,
    ScopeFilter,
    TargetObjectActions,
    Trust,
)
from .reader import Node, show, suggest
from .values import USER_TYPES, is_email

TRUST_KEYS = {"mfa": "mfa", "compliantDevice": "compliant_device", "hybridJoinedDevice": "hybrid_joined_device"}
SCOPE_KEYS = ("groups", "users", "filters", "allUsers", "managedGroup")
FILTER_KEYS = ("attribute", "operator", "values")
MANAGED_GROUP_KEYS = ("displayName", "membershipRule")
MAPPING_KEYS = AttributeMapping.KEYS
MAPPING_SOURCES = ("source", "constant", "expression")
FLOWS = ("always", "objectAddOnly")
DIRECTION_KEYS = ("from", "to", "bidirectional")

# Targets that an attribute mapping may not set, and why (https://learn.microsoft.com/en-us/entra/identity/multi-tenant-organizations/cross-tenant-synchronization-configure).
# Keyed case-folded: Graph's attribute names are case-insensitive, and so is the provider's check.
_RESERVED_TARGETS = {
    "usertype": "set the sync's userType instead",
    "alternativesecurityids": "Entra fixes the matching attribute; mapping it makes the schema invalid",
}
_EMPTY_SCOPE_FIX = "say whom to sync: groups, users, filters, managedGroup, or allUsers: true"


@dataclass(frozen=True)
class Declaration:
    """One direction as the configuration declares it: `path` is where, `origin` how to name it to the user."""

    source: str
    target: str
    settings: dict[str, Any]
    path: str
    origin: str
    # Where its scope is written (a sync entry's own, or the topology's defaults): errors found later name it.
    scope_path: str = ""


def _flags(node: Node, keys: Mapping[str, str], default: bool) -> dict[str, bool] | None:
    """Config key -> field of an object of booleans; None when one of them is unusable (reported)."""
    flags: dict[str, bool] = {}
    for key, field in keys.items():
        value = node.at(key).flag(default)
        if value is None:
            return None
        flags[field] = value
    return flags


def read_trust(node: Node) -> Trust | None:
    if not node.present:
        return Trust()
    if not node.object(TRUST_KEYS):
        return None
    flags = _flags(node, TRUST_KEYS, False)
    return None if flags is None else Trust(**flags)


ACTION_KEYS = tuple(action for action, _ in TargetObjectActions.FLOW_TYPES)


def read_target_object_actions(node: Node) -> TargetObjectActions | None:
    if not node.present:
        return TargetObjectActions()
    if not node.object(ACTION_KEYS):
        return None
    flags = _flags(node, {action: action for action in ACTION_KEYS}, True)
    if flags is None:
        return None
    if not any(flags.values()):
        node.report("turns every action off: the job would do nothing", "pause the job with start: false instead")
        return None
    return TargetObjectActions(**flags)


def read_scope(node: Node) -> Scope | None:
    if not node.present:
        node.report("is required", _EMPTY_SCOPE_FIX)
        return None
    if not node.object(SCOPE_KEYS):
        return None
    groups = node.at("groups").distinct(lambda item: item.guid("an object id", _id_fix("group")))
    users = node.at("users").distinct(lambda item: item.guid("an object id", _id_fix("user")))
    filters = node.at("filters").distinct(_read_filter)
    all_users = node.at("allUsers").flag(False)
    managed_group = _read_managed_group(node.at("managedGroup"))
    if groups is None or users is None or filters is None or all_users is None:
        return None
    if node.at("managedGroup").present and managed_group is None:
        return None
    scope = Scope(groups=groups, users=users, filters=filters, all_users=all_users, managed_group=managed_group)
    if scope.is_empty:
        node.report("selects nobody", _EMPTY_SCOPE_FIX)
    if scope.all_users and scope.assigns:
        node.at("allUsers").report(
            "syncs everyone, so the groups, users or managedGroup beside it would do nothing",
            "keep allUsers (narrowed by filters if need be) or the assignments, not both",
        )
    return scope


def _id_fix(what: str) -> str:
    return f"use the {what}'s object id from Entra ID"


def _read_filter(node: Node) -> ScopeFilter | None:
    if not node.object(FILTER_KEYS):
        return None
    attribute = node.at("attribute").text(fix="a source user attribute, e.g. department")
    operator = node.at("operator").choice(FILTER_OPERATORS)
    values = _read_filter_values(node.at("values"), operator)
    if attribute is None or operator is None or values is None:
        return None
    return ScopeFilter(attribute=attribute, operator=operator, values=values)


def _read_filter_values(node: Node, operator: str | None) -> tuple[str, ...] | None:
    if operator in VALUELESS_FILTER_OPERATORS:
        if node.present and node.value != []:
            node.report(f"{operator} takes no values", "remove values")
            return None
        return ()
    values = node.distinct(_read_filter_value)
    if values == () and operator is not None:
        node.report(f"{operator} needs at least one value", "e.g. values: [Sales]")
        return None
    return values


def _read_filter_value(node: Node) -> str | None:
    # `pulumi config set --path` turns 42 into a number; Graph compares strings.
    if isinstance(node.value, int) and not isinstance(node.value, bool):
        return str(node.value)
    return node.text()


def _read_managed_group(node: Node) -> ManagedGroup | None:
    if not node.present or not node.object(MANAGED_GROUP_KEYS):
        return None
    display_name = node.at("displayName").text(fix="the group's name in the source tenant")
    rule = node.at("membershipRule").text(default=None, layout=True, fix='an Entra dynamic membership rule, e.g. user.department -eq "Sales"')
    return None if display_name is None else ManagedGroup(display_name=display_name, membership_rule=rule)


def _read_mapping(node: Node) -> AttributeMapping | None:
    if not node.object(MAPPING_KEYS):
        return None
    target = node.at("target").text(fix="the target user attribute, e.g. companyName")
    if target is not None and target.casefold() in _RESERVED_TARGETS:
        node.at("target").report(f"{show(target)} cannot be mapped", _RESERVED_TARGETS[target.casefold()])
        return None
    remove = node.at("remove").flag(False)
    given = [key for key in (*MAPPING_SOURCES, "flow", "default") if node.at(key).present]
    if remove:
        if given:
            node.report(f"removes the mapping of {show(target)}, but also sets {', '.join(given)}",
                        "keep remove: true alone, or drop it to set the mapping")
            return None
        return None if target is None else AttributeMapping(target=target, remove=True)
    sources = [key for key in MAPPING_SOURCES if node.at(key).present]
    if len(sources) != 1:
        node.report(f"has {' and '.join(sources)}" if sources else "needs a source, a constant or an expression",
                    "exactly one: source: <attribute>, constant: <value>, or expression: <Graph expression>")
        return None
    values: dict[str, str | None] = {
        "source": node.at("source").text(default=None),
        "constant": node.at("constant").text(default=None, fix="a string; with pulumi config set --path add --type string"),
        "expression": _read_expression(node.at("expression")),
        "flow": node.at("flow").choice(FLOWS, default=None),
        "default": node.at("default").text(default=None),
    }
    unreadable = [key for key in values if node.at(key).present and values[key] is None]
    if target is None or unreadable or remove is None:
        return None
    return AttributeMapping(target=target, source=values["source"], constant=values["constant"],
                            expression=values["expression"], flow=values["flow"], default=values["default"])


def _read_expression(node: Node) -> str | None:
    text = node.text(default=None, layout=True)
    if text is None:
        return None
    try:
        parse(text, suggest)
    except ExpressionError as error:
        node.report(f"{error.message} (at character {error.position + 1} of {show(text)})", error.fix)
        return None
    return text


def _read_email(node: Node) -> str | None:
    email = node.text(default=None)
    if email is not None and not is_email(email):
        node.report(f"{show(email)} is not an email address", "e.g. identity-ops@contoso.com")
        return None
    return email


# Sync key -> (DirectionalSync field, reader). One table for ctsync:sync entries and topology defaults.
SETTINGS: dict[str, tuple[str, Callable[[Node], Any]]] = {
    "trust": ("trust", read_trust),
    "userType": ("user_type", lambda node: node.choice(USER_TYPES, default=DEFAULT_USER_TYPE)),
    "scope": ("scope", read_scope),
    "removeDisabledUsers": ("remove_disabled_users", lambda node: node.flag(True)),
    "deletionThreshold": ("deletion_threshold", lambda node: node.count(DEFAULT_DELETION_THRESHOLD)),
    "notificationEmail": ("notification_email", _read_email),
    "attributeMappings": ("attribute_mappings", lambda node: node.distinct(_read_mapping, key=lambda m: m.target.casefold())),
    "start": ("start", lambda node: node.flag(True)),
    "provisionGroups": ("provision_groups", lambda node: node.flag(False)),
    "allowUnlimitedDeletions": ("allow_unlimited_deletions", lambda node: node.flag(False)),
    "targetObjectActions": ("target_object_actions", read_target_object_actions),
    "unmanagedAttributes": ("unmanaged_attributes", lambda node: node.distinct(_read_attribute_name, key=str.casefold)),
}


def _read_attribute_name(node: Node) -> str | None:
    return node.text(fix='a target user attribute, e.g. department, or "*" for every one not declared')


def read_settings(node: Node) -> dict[str, Any]:
    """The DirectionalSync fields other than source and target, read from an object node."""
    settings = {field: read(node.at(key)) for key, (field, read) in SETTINGS.items()}
    _check_unmanaged(node.at("unmanagedAttributes"), settings)
    _check_group_scope(node.at("provisionGroups"), settings)
    _check_deletion_safety(node, settings)
    return settings


def _check_unmanaged(node: Node, settings: dict[str, Any]) -> None:
    """A mapping is either declared (and held to the declaration) or left to the admin center."""
    unmanaged, mappings = settings["unmanaged_attributes"], settings["attribute_mappings"]
    if not unmanaged or not mappings:
        return
    names = {name.casefold(): index for index, name in enumerate(unmanaged)}
    for mapping in mappings:
        if mapping.target.casefold() in names:
            index = names[mapping.target.casefold()]
            Node(f"{node.path}[{index}]", unmanaged[index], node.problems).report(
                f"{show(unmanaged[index])} is also declared under attributeMappings",
                "declare the mapping, or leave it to the admin center here, not both")


def _check_deletion_safety(node: Node, settings: dict[str, Any]) -> None:
    """Turning accidental-deletion prevention off takes an explicit acknowledgement."""
    threshold, unlimited = settings["deletion_threshold"], settings["allow_unlimited_deletions"]
    if threshold == 0 and unlimited is False:
        node.at("deletionThreshold").report(
            "0 turns accidental-deletion prevention off: any number of users could be deleted in one cycle",
            "set allowUnlimitedDeletions: true beside it to say so, or a threshold of 1 or more (default 500)",
        )
    elif unlimited and threshold not in (0, None):
        node.at("allowUnlimitedDeletions").report(
            f"acknowledges no deletion threshold, but deletionThreshold is {threshold}", "remove it, or set deletionThreshold: 0",
        )


def _check_group_scope(node: Node, settings: dict[str, Any]) -> None:
    """Groups come into scope by assignment only, and group sync needs SyncAll off (Microsoft's
    cross-tenant synchronization overview, "Group synchronization")."""
    scope = settings["scope"]
    if settings["provision_groups"] and scope is not None and (scope.sync_all or not (scope.groups or scope.managed_group)):
        node.report(
            "provisions the groups in scope, but this scope assigns no group",
            "scope by groups or managedGroup (not allUsers or filters alone), or set provisionGroups: false",
        )


def check_single_source(node: Node, scope: Scope | None, sources: Collection[str]) -> None:
    """Object ids name objects of one tenant, so one list of them cannot scope syncs from several tenants."""
    if scope is None or len(set(sources)) < 2:
        return
    for key, ids in (("groups", scope.groups), ("users", scope.users)):
        if ids:
            node.at(key).report(
                f"object ids belong to one tenant, but these settings sync from {', '.join(sorted(set(sources)))}",
                "scope by filters, managedGroup or allUsers, or declare each direction with its own ids",
            )


def read_sync_entries(node: Node, aliases: Collection[str]) -> list[Declaration]:
    if not node.present:
        return []
    entries = node.elements()
    return [declaration for entry in entries or () for declaration in _read_sync_entry(entry, aliases)]


def _read_sync_entry(node: Node, aliases: Collection[str]) -> list[Declaration]:
    if not node.object((*DIRECTION_KEYS, *SETTINGS)):
        return []
    source = node.at("from").alias(aliases)
    target = node.at("to").alias(aliases)
    bidirectional = node.at("bidirectional").flag(False)
    settings = read_settings(node)
    if source is not None and source == target:
        node.at("to").report(f"a sync from {source} to itself is not possible", "choose another tenant")
        return []
    if source is None or target is None or bidirectional is None:
        return []
    directions = [(source, target), (target, source)] if bidirectional else [(source, target)]
    check_single_source(node.at("scope"), settings["scope"], [source for source, _ in directions])
    origin = f"{node.path} (bidirectional)" if bidirectional else node.path
    return [Declaration(source, target, settings, node.path, origin, f"{node.path}.scope") for source, target in directions]
