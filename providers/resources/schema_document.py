"""The parts of a synchronization job's schema that ctsync manages, as pure edits of the raw JSON.

Why raw JSON: msgraph-sdk's typed models drop flags enums such as ``objectMapping.flowTypes``
(``"Add, Update, Delete"`` parses to a list that is then never written), so a typed GET -> PUT would
silently change what the job does (observed with msgraph-sdk 1.65). Everything here works on the
document as Graph returned it and leaves what it does not manage byte for byte as it was.

What ctsync manages, in the user object mapping (rule ``USER_INBOUND_USER``, objects User -> User),
and whether the rule's group object mapping (Group -> Group, group provisioning, a preview the
template has switched off) is enabled:

- ``userType``: the constant ``Member`` or ``Guest`` with flowType ``Always`` (only ``Always`` converts
  B2B users that already exist: https://learn.microsoft.com/en-us/entra/identity/multi-tenant-organizations/cross-tenant-synchronization-configure).
- declared attribute mappings: a target from a source attribute, a constant or an expression
  (Graph's expression language, stored as the structured source a schema holds), with the flow
  (``Always`` / ``ObjectAddOnly``) and default value when declared. An existing mapping of the target
  that already means the same is not touched; otherwise its source is replaced (its other settings
  stay); a target not mapped yet gets a new mapping. A mapping declared ``remove`` is taken out.
- the user object mapping's ``flowTypes`` (target object actions ``Add``, ``Update``, ``Delete``), as
  declared; the flags compare however they are spelt, so only a real change is written.
- scoping: the declared clauses, plus ``accountEnabled IS TRUE`` for ``remove_disabled_users``, are
  added to **every** scope group. Groups are OR-ed (clauses AND-ed), so a clause in a group of its
  own would widen the scope rather than narrow it: a department filter would let in everyone another
  group lets in, and disabled users matched by another group would stay. When the mapping has no
  group, ctsync adds one named ``ctsync scope``.

Giving back (:class:`Baseline`): the first time ctsync sets a target it records the mapping it
found (for a fresh job, the template's default). Dropping the target from the declaration, or
deleting the resource, puts that mapping back, and takes out exactly the clauses ctsync wrote.

A PUT replaces the whole schema and restarts a full synchronization, so :func:`desired_schema` says
whether anything really changed, comparing documents normalised for key order, flags spelling
(``"Add, Update, Delete"`` = ``"Add,Update,Delete"``), integral floats and null-vs-empty values.
"""
from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from stackconfig.expressions import ExpressionError, parse, source_json
from stackconfig.model import AttributeMapping
from stackconfig.reader import suggest
from stackconfig.values import control_character

MAPPING_KEYS = AttributeMapping.KEYS

USER_RULE = "USER_INBOUND_USER"
USER_OBJECT = "User"
GROUP_OBJECT = "Group"
USER_TYPE = "userType"
# Changing the matching attribute makes the schema invalid (Microsoft's configuration page, as above).
MATCHING_ATTRIBUTE = "alternativeSecurityIds"
SCOPE_GROUP = "ctsync scope"
# objectMappingFlowTypes, in the order Graph and the admin center spell them; all three by default.
OBJECT_FLOW_TYPES = ("Add", "Update", "Delete")
ALL_FLOW_TYPES = ", ".join(OBJECT_FLOW_TYPES)
# Flags enums: a set of members in one comma-separated string, spelt with or without spaces.
FLAGS_KEYS = frozenset({"flowTypes", "discoverabilities"})
# The portal's "IS TRUE" operator; ctsync's way to make disabled users leave the target.
ACCOUNT_ENABLED_CLAUSE = {
    "operatorName": "IS TRUE",
    "sourceOperandName": "accountEnabled",
    "targetOperand": {"values": []},
}


class SchemaError(ValueError):
    """The job's schema is not one ctsync can manage (no user mapping)."""


# ---- the declaration -----------------------------------------------------------------------------

@dataclass(frozen=True)
class ManagedSchema:
    """What the resource declares, in the shape of its inputs."""

    user_type: str = "Member"
    remove_disabled_users: bool = False
    # [{"attribute": "department", "operator": "EQUALS", "values": ["Sales"]}]
    scope_filters: tuple[dict, ...] = ()
    # [{"target": "companyName", "constant": "Contoso"}, {"target": "jobTitle", "source": "department"}]
    attribute_mappings: tuple[dict, ...] = ()
    # The group object mapping enabled: assigned security groups are provisioned too.
    provision_groups: bool = False
    # The user object mapping's flowTypes: what the job may do to users in the target.
    flow_types: str = ALL_FLOW_TYPES

    def sources(self) -> dict[str, Wanted]:
        """Target attribute -> what its mapping must be (or that it must be gone)."""
        wanted = {USER_TYPE: Wanted(constant_source(self.user_type), "Always")}
        for item in self.attribute_mappings:
            wanted[item["target"]] = Wanted(
                None if item.get("remove") else item_source(item),
                FLOW_TYPES.get(item.get("flow") or ""),
                item.get("default"),
                "default" in item,
            )
        return wanted

    def clauses(self) -> list[dict]:
        clauses = [filter_clause(f) for f in self.scope_filters]
        if self.remove_disabled_users:
            clauses.append(copy.deepcopy(ACCOUNT_ENABLED_CLAUSE))
        return clauses


# The config's flow names -> Graph's attributeMapping.flowType.
FLOW_TYPES = {"always": "Always", "objectAddOnly": "ObjectAddOnly"}


@dataclass(frozen=True)
class Wanted:
    source: dict | None  # None: the mapping is removed
    flow_type: str | None = None  # None: keep the mapping's own
    default: str | None = None
    sets_default: bool = False


def item_source(item: dict) -> dict:
    """The source JSON of a declared mapping."""
    if "constant" in item:
        return constant_source(item["constant"])
    if "expression" in item:
        return source_json(parse(item["expression"]))
    return attribute_source(item["source"])


def attribute_source(name: str) -> dict:
    return {"expression": f"[{name}]", "name": name, "parameters": [], "type": "Attribute"}


def constant_source(value: str) -> dict:
    return {"expression": json.dumps(value), "name": value, "parameters": [], "type": "Constant"}


def filter_clause(scope_filter: dict) -> dict:
    return {
        "operatorName": scope_filter["operator"],
        "sourceOperandName": scope_filter["attribute"],
        "targetOperand": {"values": list(scope_filter.get("values") or [])},
    }


# ---- what ctsync took over -----------------------------------------------------------------------

@dataclass(frozen=True)
class Baseline:
    """What the schema held before ctsync set it, so that ctsync can give it back."""

    # target -> the attribute mapping found before ctsync first set it (None: the target was unmapped)
    mappings: dict[str, dict | None] = field(default_factory=dict)
    # the scope clauses ctsync wrote last (into every group)
    clauses: list[dict] = field(default_factory=list)
    # whether the group object mapping was enabled before ctsync set it (None: ctsync never did)
    group_enabled: bool | None = None
    # the user object mapping's flowTypes before ctsync set them (None: ctsync never did)
    flow_types: str | None = None

    def to_json(self) -> str:
        return json.dumps({"mappings": self.mappings, "clauses": self.clauses, "groupEnabled": self.group_enabled,
                           "flowTypes": self.flow_types}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> Baseline:
        if not text:
            return cls()
        data = json.loads(text)
        return cls(data.get("mappings") or {}, data.get("clauses") or [], data.get("groupEnabled"), data.get("flowTypes"))


# ---- the edit ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Desired:
    document: dict
    baseline: Baseline
    # False when the desired document means the same as the current one: send no PUT.
    changed: bool


def desired_schema(current: dict, managed: ManagedSchema | None, baseline: Baseline = Baseline()) -> Desired:
    """The schema with ``managed`` applied; ``managed=None`` gives back everything ctsync took over."""
    current = without_annotations(current)
    document = copy.deepcopy(current)
    mapping = user_mapping(document)
    wanted = managed.sources() if managed else {}
    kept: dict[str, dict | None] = {}
    for target, original in baseline.mappings.items():
        if target in wanted:
            kept[target] = original
        else:
            _put_back(mapping, target, original)
    for target, want in wanted.items():
        if target not in kept:
            kept[target] = copy.deepcopy(find_attribute_mapping(mapping, target))
        if want.source is None:
            _put_back(mapping, target, None)
        else:
            _set_source(mapping, target, want)
    clauses = managed.clauses() if managed else []
    set_scope(mapping, stale=baseline.clauses, wanted=clauses)
    group_enabled = _set_group_provisioning(document, managed, baseline)
    flow_types = _set_flow_types(mapping, managed, baseline)
    return Desired(document, Baseline(kept, clauses, group_enabled, flow_types),
                   changed=normalized(document) != normalized(current))


def _set_flow_types(mapping: dict, managed: ManagedSchema | None, baseline: Baseline) -> str | None:
    """The user mapping's flowTypes as declared (or as they were, when giving back); returns the value
    to give back later. Only a real change is written: the flags may be spelt with or without spaces."""
    original = (mapping.get("flowTypes") or ALL_FLOW_TYPES) if baseline.flow_types is None else baseline.flow_types
    wanted = managed.flow_types if managed is not None else baseline.flow_types
    if wanted is not None and canonical_flow_types(mapping.get("flowTypes") or ALL_FLOW_TYPES) != canonical_flow_types(wanted):
        mapping["flowTypes"] = wanted
    return original if managed is not None else None


def _set_group_provisioning(document: dict, managed: ManagedSchema | None, baseline: Baseline) -> bool | None:
    """Enable or disable the group object mapping as declared (or put back what it was); returns the
    value to give back later."""
    groups = group_mapping(document)
    if groups is None:
        if managed is not None and managed.provision_groups:
            raise SchemaError(
                f"the job's schema has no {USER_RULE} rule mapping {GROUP_OBJECT} objects, so it cannot provision "
                "groups: is group provisioning (preview) available to this tenant?"
            )
        return baseline.group_enabled
    original = groups.get("enabled") is True if baseline.group_enabled is None else baseline.group_enabled
    if managed is None:
        if baseline.group_enabled is not None:
            groups["enabled"] = baseline.group_enabled
        return baseline.group_enabled
    groups["enabled"] = managed.provision_groups
    return original


def unknown_attributes(document: dict, managed: ManagedSchema) -> list[str]:
    """Each declared mapping that names an attribute the job's directories do not define (target
    attributes in the target directory, source attributes, expressions' included, in the source),
    with the closest name. Empty when the schema lists no attribute definitions."""
    rule: dict[str, Any] = next((r for r in document.get("synchronizationRules") or [] if r.get("name") == USER_RULE), {})
    source = _user_attributes(document, rule.get("sourceDirectoryName"))
    target = _user_attributes(document, rule.get("targetDirectoryName"))
    problems = []
    for index, item in enumerate(managed.attribute_mappings):
        where = f"attribute_mappings[{index}]"
        if target and item["target"].lower() not in {name.lower() for name in target}:
            problems.append(_unknown(where, item["target"], "the target directory", target))
        read = [item["source"]] if "source" in item else parse(item["expression"]).attributes() if "expression" in item else []
        problems += [_unknown(where, name, "the source directory", source) for name in read
                     if source and name.lower() not in {known.lower() for known in source}]
    return problems


def _user_attributes(document: dict, directory_name: str | None) -> list[str]:
    directory: dict[str, Any] = next((d for d in document.get("directories") or [] if d.get("name") == directory_name), {})
    user: dict[str, Any] = next((o for o in directory.get("objects") or [] if (o.get("name") or "").lower() == USER_OBJECT.lower()), {})
    return [a.get("name") for a in user.get("attributes") or [] if a.get("name")]


def _unknown(where: str, name: str, directory: str, known: list[str]) -> str:
    match = suggest(name, known)
    return f"{where}: {name!r} is not a user attribute of {directory}" + (f"; did you mean {match!r}?" if match else "")


def given_back(document: dict, managed: ManagedSchema, baseline: Baseline) -> bool:
    """The document holds what ctsync gives back on delete, and not what it declares.

    A schema cannot vanish while its job exists, so this is what refresh reports as gone: after a
    delete, or when every part ctsync set was reverted by hand (the next ``up`` then sets it again).
    A declaration that changes nothing in the template is never gone.
    """
    return (
        bool(baseline.mappings)
        and not desired_schema(document, None, baseline).changed
        and desired_schema(document, managed, baseline).changed
    )


def without_annotations(document: dict) -> dict:
    """Graph's ``@odata.context`` belongs to the response, not to the schema a PUT sends."""
    return {k: v for k, v in document.items() if not k.startswith("@odata.")}


def _object_mapping(document: dict, object_name: str) -> dict | None:
    for rule in document.get("synchronizationRules") or []:
        if rule.get("name") != USER_RULE:
            continue
        for mapping in rule.get("objectMappings") or []:
            if (mapping.get("sourceObjectName") or "").lower() == object_name.lower():
                return mapping
    return None


def group_mapping(document: dict) -> dict | None:
    """The rule's Group -> Group object mapping; None in a schema without group provisioning."""
    return _object_mapping(document, GROUP_OBJECT)


def provisions_groups(document: dict) -> bool:
    return (group_mapping(document) or {}).get("enabled") is True


def user_mapping(document: dict) -> dict:
    mapping = _object_mapping(document, USER_OBJECT)
    if mapping is not None:
        return mapping
    raise SchemaError(
        f"the job's schema has no {USER_RULE} rule mapping {USER_OBJECT} objects: "
        "is it a cross-tenant synchronization (Azure2Azure) job?"
    )


def find_attribute_mapping(mapping: dict, target: str) -> dict | None:
    return next(
        (m for m in mapping.get("attributeMappings") or [] if _same_name(m.get("targetAttributeName"), target)),
        None,
    )


def _same_name(a: str | None, b: str) -> bool:
    # Directory attribute names are case-insensitive; never add a second mapping for one target.
    return (a or "").lower() == b.lower()


def source_meaning(source: dict | None) -> tuple:
    """Two sources mean the same when their kind and name (or expression) agree."""
    source = source or {}
    kind = source.get("type")
    if kind in ("Attribute", "Constant"):
        return kind, source.get("name")
    return kind, source.get("expression")


def _set_source(mapping: dict, target: str, want: Wanted) -> None:
    existing = find_attribute_mapping(mapping, target)
    if existing is None:
        existing = new_attribute_mapping(target, want.source or {}, want.flow_type or "Always")
        mapping.setdefault("attributeMappings", []).append(existing)
    if source_meaning(existing.get("source")) != source_meaning(want.source):
        existing["source"] = want.source
    # A missing flowType is Graph's default, Always.
    if want.flow_type and (existing.get("flowType") or "Always") != want.flow_type:
        existing["flowType"] = want.flow_type
    if want.sets_default and existing.get("defaultValue") != want.default:
        existing["defaultValue"] = want.default


def new_attribute_mapping(target: str, source: dict, flow_type: str) -> dict:
    return {
        "defaultValue": None,
        "exportMissingReferences": False,
        "flowBehavior": "FlowWhenChanged",
        "flowType": flow_type,
        "matchingPriority": 0,
        "source": source,
        "targetAttributeName": target,
    }


def _put_back(mapping: dict, target: str, original: dict | None) -> None:
    mappings = mapping.get("attributeMappings") or []
    existing = find_attribute_mapping(mapping, target)
    if existing is None:
        if original is not None:
            mapping["attributeMappings"] = [*mappings, copy.deepcopy(original)]
    elif original is None:
        mapping["attributeMappings"] = [m for m in mappings if m is not existing]
    elif normalized(existing) != normalized(original):
        mapping["attributeMappings"] = [copy.deepcopy(original) if m is existing else m for m in mappings]


def clause_key(clause: dict) -> tuple:
    values = (clause.get("targetOperand") or {}).get("values") or []
    return clause.get("operatorName"), clause.get("sourceOperandName"), tuple(values)


def set_scope(mapping: dict, stale: Iterable[dict], wanted: list[dict]) -> None:
    """Take out the clauses ctsync wrote before and put the wanted ones in every group."""
    wanted_keys = {clause_key(c) for c in wanted}
    stale_keys = {clause_key(c) for c in stale} - wanted_keys
    scope = mapping.get("scope") or {}
    groups = scope.get("groups") or []
    remaining = []
    for group in groups:
        clauses = group.get("clauses") or []
        kept = [c for c in clauses if clause_key(c) not in stale_keys]
        if len(kept) == len(clauses):
            remaining.append(group)
        # A group emptied by ctsync is dropped: an empty group would put every user in scope.
        elif kept:
            remaining.append({**group, "clauses": kept})
    if wanted and not remaining:
        remaining = [{"name": SCOPE_GROUP, "clauses": []}]
    remaining = [_with_clauses(group, wanted) for group in remaining]
    if remaining != groups:
        mapping["scope"] = {**scope, "groups": remaining}


def _with_clauses(group: dict, wanted: list[dict]) -> dict:
    present = {clause_key(c) for c in group.get("clauses") or []}
    missing = [copy.deepcopy(c) for c in wanted if clause_key(c) not in present]
    return {**group, "clauses": [*(group.get("clauses") or []), *missing]} if missing else group


# ---- reading back --------------------------------------------------------------------------------

def managed_view(document: dict, managed: ManagedSchema) -> dict[str, Any]:
    """The managed parts as they are in ``document``, shaped like the inputs, for refresh and drift.

    Only what ``managed`` declares is read back (the template maps dozens of other attributes). A
    declared clause counts only when every scope group has it, as only then does it narrow the scope.
    """
    mapping = user_mapping(document)
    groups = [{clause_key(c) for c in g.get("clauses") or []} for g in (mapping.get("scope") or {}).get("groups") or []]

    def everywhere(clause: dict) -> bool:
        return bool(groups) and all(clause_key(clause) in keys for keys in groups)

    mappings = (_declared_view(mapping, item) for item in managed.attribute_mappings)
    return {
        "user_type": _user_type_view(find_attribute_mapping(mapping, USER_TYPE)),
        "remove_disabled_users": everywhere(ACCOUNT_ENABLED_CLAUSE),
        "scope_filters": [f for f in managed.scope_filters if everywhere(filter_clause(f))],
        "attribute_mappings": [m for m in mappings if m is not None],
        "provision_groups": provisions_groups(document),
        "flow_types": canonical_flow_types(mapping.get("flowTypes") or ALL_FLOW_TYPES),
    }


def imported_view(document: dict) -> dict[str, Any]:
    """What an import can tell from ``document`` alone: the userType, and the clauses in every scope
    group (as scope filters, the accountEnabled one as ``remove_disabled_users``). Attribute
    mappings are not read back: the template maps dozens of attributes and the schema does not say
    which of them are its defaults; the program declares the ones it manages."""
    mapping = user_mapping(document)
    groups = [list(g.get("clauses") or []) for g in (mapping.get("scope") or {}).get("groups") or []]
    common = [c for c in groups[0] if all(clause_key(c) in {clause_key(o) for o in g} for g in groups)] if groups else []
    filters = [
        {"attribute": c.get("sourceOperandName"), "operator": c.get("operatorName"),
         "values": list((c.get("targetOperand") or {}).get("values") or [])}
        for c in common if clause_key(c) != clause_key(ACCOUNT_ENABLED_CLAUSE)
    ]
    return {
        "user_type": _user_type_view(find_attribute_mapping(mapping, USER_TYPE)),
        "remove_disabled_users": any(clause_key(c) == clause_key(ACCOUNT_ENABLED_CLAUSE) for c in common),
        "scope_filters": canonical_filters(filters),
        "attribute_mappings": [],
        "provision_groups": provisions_groups(document),
        "flow_types": canonical_flow_types(mapping.get("flowTypes") or ALL_FLOW_TYPES),
    }


@dataclass(frozen=True)
class ExportedSchema:
    """A job's user mapping in the terms of the stack config, and what those terms cannot say."""

    user_type: str
    remove_disabled_users: bool
    scope_filters: list[dict]
    # Where the job differs from its template: [{target, source} | {target, constant}].
    attribute_mappings: list[dict]
    unsupported: list[str]
    provision_groups: bool = False
    flow_types: str = ALL_FLOW_TYPES


def exported_view(document: dict, template: dict) -> ExportedSchema:
    """What ``python -m ctsync export`` writes for a job's schema: the userType, the clauses every
    scope group has, and the mappings that differ from the template's defaults (``template``)."""
    imported = imported_view(document)
    mapping, defaults = user_mapping(without_annotations(document)), user_mapping(without_annotations(template))
    unsupported = []
    if imported["user_type"] not in ("Member", "Guest"):
        unsupported.append(f"userType is mapped as {imported['user_type']}; the config sets a constant Member or Guest")
    common = {clause_key(filter_clause(f)) for f in imported["scope_filters"]}
    if imported["remove_disabled_users"]:
        common.add(clause_key(ACCOUNT_ENABLED_CLAUSE))
    for group in (mapping.get("scope") or {}).get("groups") or []:
        for clause in group.get("clauses") or []:
            if clause_key(clause) not in common:
                unsupported.append(
                    f"scope group {group.get('name')!r} has clause {clause.get('sourceOperandName')} "
                    f"{clause.get('operatorName')} that not every group has (the config's filters apply to all)"
                )
    mappings: list[dict[str, Any]] = []
    for existing in mapping.get("attributeMappings") or []:
        target = existing.get("targetAttributeName") or ""
        if _same_name(target, USER_TYPE):
            continue
        default = find_attribute_mapping(defaults, target)
        if default is not None and source_meaning(default.get("source")) == source_meaning(existing.get("source")):
            continue
        view = _mapping_view(mapping, target)
        if view is None:
            continue
        if "expression" in view and not _parses(view["expression"]):
            unsupported.append(f"{target} is mapped by the expression {view['expression']}, which ctsync cannot read")
            continue
        if (existing.get("flowType") or "Always") == "ObjectAddOnly":
            view["flow"] = "objectAddOnly"
        if existing.get("defaultValue") not in (None, ""):
            view["default"] = existing["defaultValue"]
        mappings.append(view)
    for default in defaults.get("attributeMappings") or []:
        if find_attribute_mapping(mapping, default.get("targetAttributeName") or "") is None:
            mappings.append({"target": default.get("targetAttributeName"), "remove": True})
    return ExportedSchema(
        imported["user_type"], imported["remove_disabled_users"], imported["scope_filters"], mappings, unsupported,
        imported["provision_groups"], imported["flow_types"],
    )


def _declared_view(mapping: dict, item: dict) -> dict | None:
    """A declared mapping as the document has it, in the declaration's terms (for drift)."""
    existing = find_attribute_mapping(mapping, item["target"])
    if item.get("remove"):
        return {"target": item["target"], "remove": True} if existing is None else _mapping_view(mapping, item["target"])
    view = _mapping_view(mapping, item["target"])
    if view is None or existing is None:
        return None
    if "flow" in item:
        flow_type = existing.get("flowType") or "Always"
        view["flow"] = next((name for name, value in FLOW_TYPES.items() if value == flow_type), flow_type)
    if "default" in item:
        view["default"] = existing.get("defaultValue")
    return view


def _user_type_view(mapping: dict | None) -> str:
    """The declared form when the mapping is what ctsync writes, else words that show the drift."""
    if mapping is None:
        return "unmapped"
    source = mapping.get("source") or {}
    if source.get("type") != "Constant":
        return f"expression {source.get('expression')}"
    flow_type = mapping.get("flowType") or "Always"
    return str(source.get("name")) if flow_type == "Always" else f"{source.get('name')} (flowType {flow_type})"


def _mapping_view(mapping: dict, target: str) -> dict | None:
    existing = find_attribute_mapping(mapping, target)
    if existing is None:
        return None
    source = existing.get("source") or {}
    if source.get("type") == "Attribute":
        return {"target": target, "source": source.get("name")}
    if source.get("type") == "Constant":
        return {"target": target, "constant": source.get("name")}
    return {"target": target, "expression": source.get("expression")}


# ---- comparison ----------------------------------------------------------------------------------

def normalized(value: Any, key: str | None = None) -> Any:
    """A form in which two documents that mean the same compare equal."""
    if isinstance(value, dict):
        items = ((k, normalized(v, k)) for k, v in value.items())
        return {k: v for k, v in items if not _empty(v)}
    if isinstance(value, list):
        return [normalized(v) for v in value]
    if key in FLAGS_KEYS and isinstance(value, str):
        return frozenset(part.strip().lower() for part in value.split(",") if part.strip())
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == {}


# ---- validation of the declaration (used by the resource's field declarations) -------------------

def canonical_filters(filters: Any) -> Any:
    """Values as a list, so a filter declared with a tuple or without values compares equal."""
    if not isinstance(filters, (list, tuple)):
        return filters
    return [
        {**f, "values": list(f.get("values") or [])} if isinstance(f, dict) else f
        for f in filters
    ]


def canonical_flow_types(value: Any) -> Any:
    """objectMappingFlowTypes flags in Graph's order and spelling ("Add, Update"), however written."""
    if not isinstance(value, str):
        return value
    flags = {part.strip().lower() for part in value.split(",") if part.strip()}
    known = [flag for flag in OBJECT_FLOW_TYPES if flag.lower() in flags]
    return ", ".join(known) if len(known) == len(flags) else value


def invalid_flow_types(value: Any) -> str | None:
    flags = [part.strip() for part in value.split(",")] if isinstance(value, str) else []
    if not flags or not all(flag in OBJECT_FLOW_TYPES for flag in flags):
        return f"{value!r} is not a non-empty set of {', '.join(OBJECT_FLOW_TYPES)}"
    return None


def canonical_mappings(mappings: Any) -> Any:
    """Each item with its unset keys dropped and its expression in Graph's own spelling, so a
    declaration compares equal to what the schema holds."""
    if not isinstance(mappings, (list, tuple)):
        return mappings
    return [_canonical_mapping(m) if isinstance(m, dict) else m for m in mappings]


def _canonical_mapping(item: dict) -> dict:
    item = {k: v for k, v in item.items() if v is not None and v is not False}
    if isinstance(item.get("expression"), str) and _parses(item["expression"]):
        item["expression"] = parse(item["expression"]).text()
    return item


def _parses(expression: str) -> bool:
    try:
        parse(expression)
    except ExpressionError:
        return False
    return True


def invalid_filters(filters: list) -> str | None:
    for index, item in enumerate(filters):
        if not isinstance(item, dict) or not isinstance(item.get("attribute"), str) or not item["attribute"]:
            return f"item {index} needs an attribute name"
        if not isinstance(item.get("operator"), str) or not item["operator"]:
            return f"item {index} needs an operator (e.g. EQUALS; GET .../schema/filterOperators lists them)"
        if not all(isinstance(v, str) for v in item.get("values") or []):
            return f"item {index}: values must be strings"
        hidden = next((control_character(v) for v in item.get("values") or [] if control_character(v)), None)
        if hidden:
            return f"item {index}: a value holds the control character {hidden}"
        unknown = set(item) - {"attribute", "operator", "values"}
        if unknown:
            return f"item {index}: unknown keys {sorted(unknown)}"
    return None


def invalid_mappings(mappings: list) -> str | None:
    seen: set[str] = set()
    for index, item in enumerate(mappings):
        reason = _invalid_mapping(item)
        if reason:
            return f"item {index}: {reason}"
        if item["target"].lower() in seen:
            return f"item {index}: {item['target']} is mapped twice"
        seen.add(item["target"].lower())
    return None


def _invalid_mapping(item: Any) -> str | None:
    if not isinstance(item, dict) or not isinstance(item.get("target"), str) or not item["target"]:
        return "needs a target attribute name"
    if item["target"].lower() == USER_TYPE.lower():
        return "set userType with user_type, not as an attribute mapping"
    if item["target"].lower() == MATCHING_ATTRIBUTE.lower():
        return f"{MATCHING_ATTRIBUTE} is the fixed matching attribute; changing it makes the schema invalid"
    unknown = set(item) - set(MAPPING_KEYS)
    if unknown:
        return f"unknown keys {sorted(unknown)}"
    if item.get("remove"):
        return None if set(item) == {"target", "remove"} else "remove takes no source, constant, expression, flow or default"
    sources = [key for key in ("source", "constant", "expression") if key in item]
    if len(sources) != 1:
        return "needs exactly one of source (an attribute name), constant (a value) or expression"
    if not all(isinstance(item[key], str) for key in (*sources, *(k for k in ("default",) if k in item))):
        return "source, constant, expression and default must be strings"
    hidden = next((f"{key} holds the control character {control_character(item[key])}" for key in ("target", "source", "constant", "default")
                   if key in item and control_character(item[key])), None)
    if hidden:
        return hidden
    if "flow" in item and item["flow"] not in FLOW_TYPES:
        return f"flow must be one of {', '.join(FLOW_TYPES)}"
    if "expression" in item:
        try:
            parse(item["expression"], suggest)
        except ExpressionError as error:
            return f"expression: {error}" + (f"; {error.fix}" if error.fix else "")
    return None
