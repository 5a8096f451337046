"""A job's schema read back in the declaration's terms: for refresh and drift (``managed_view``), for
an import (``imported_view``) and for ``python -m ctsync export`` (``exported_view``)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from providers.synchronization.schema_checks import canonical_filters, parses
from providers.synchronization.schema_edits import ManagedSchema
from providers.synchronization.schema_json import (
    ACCOUNT_ENABLED_CLAUSE,
    ALL_FLOW_TYPES,
    FLOW_TYPES,
    USER_TYPE,
    AttributeMappingJson,
    ScopeClauseJson,
    canonical_flow_types,
    clause_key,
    filter_clause,
    find_attribute_mapping,
    provisions_groups,
    same_name,
    source_meaning,
    user_mapping,
    without_annotations,
)


def managed_view(document: dict, managed: ManagedSchema) -> dict[str, Any]:
    """The managed parts as they are in ``document``, shaped like the inputs, for refresh and drift.

    Only what ``managed`` declares is read back (the template maps dozens of other attributes). A
    declared clause counts only when every scope group has it, as only then does it narrow the scope.
    """
    mapping = user_mapping(document)
    groups = [{clause_key(c) for c in g.get("clauses") or []} for g in (mapping.get("scope") or {}).get("groups") or []]

    def everywhere(clause: ScopeClauseJson) -> bool:
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
        if same_name(target, USER_TYPE):
            continue
        default = find_attribute_mapping(defaults, target)
        if default is not None and source_meaning(default.get("source")) == source_meaning(existing.get("source")):
            continue
        view = _mapping_view(mapping, target)
        if view is None:
            continue
        if "expression" in view and not parses(view["expression"]):
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


def _user_type_view(mapping: AttributeMappingJson | None) -> str:
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
