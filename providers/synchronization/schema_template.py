"""What a stack does not declare in a job's schema, held to the template's defaults.

The stack declares some of the user mapping (userType, its attribute mappings, its scope filters);
the gallery template (``Azure2Azure``) maps dozens of other attributes. Someone editing one of those
in the admin center changes what comes across as surely as editing a declared one, so the rest of
the user mapping is compared with the template's default schema
(``GET /servicePrincipals/{id}/synchronization/templates/{templateId}/schema``): every default
mapping (source, flow, default value), every mapping added beside them, every scoping clause the stack
does not declare, and whether the user object mapping is enabled. A difference is drift, described
in the admin center's words; ``up`` writes the template's default back. Targets the stack lists as
unmanaged (``unmanagedAttributes``; ``"*"`` for every one it does not declare) are left alone.
"""
from __future__ import annotations

import copy
from collections.abc import Collection
from typing import Any

from providers.synchronization.schema_edits import ManagedSchema, set_scope
from providers.synchronization.schema_json import (
    AttributeMappingJson,
    ScopeClauseJson,
    clause_key,
    find_attribute_mapping,
    source_meaning,
    user_mapping,
    without_annotations,
)

EVERY_ATTRIBUTE = "*"


def drift_from_template(document: dict, template: dict, managed: ManagedSchema, unmanaged: Collection[str]) -> list[str]:
    """Each way the undeclared part of ``document`` differs from ``template``, in Entra's words."""
    mapping, defaults = user_mapping(without_annotations(document)), user_mapping(without_annotations(template))
    changes = [f"attribute mapping {target}: {what}" for target, what in _mapping_drift(mapping, defaults, managed, unmanaged)]
    changes += [f"scoping filter clause {_clause_text(clause)} in scope group {group!r}: not declared, not in the template"
                for group, clause in _undeclared_clauses(mapping, defaults, managed)]
    if mapping.get("enabled") is not None and mapping.get("enabled") != defaults.get("enabled"):
        changes.append(f"the user object mapping is {'enabled' if mapping.get('enabled') else 'disabled'} "
                       f"(the template's: {'enabled' if defaults.get('enabled') else 'disabled'})")
    return sorted(changes)


def restore_template(document: dict, template: dict, managed: ManagedSchema, unmanaged: Collection[str]) -> None:
    """Edit ``document`` (as ``desired_schema`` made it) so its undeclared part is the template's again."""
    mapping, defaults = user_mapping(document), user_mapping(without_annotations(template))
    for target, _ in _mapping_drift(mapping, defaults, managed, unmanaged):
        default, existing = find_attribute_mapping(defaults, target), find_attribute_mapping(mapping, target)
        mappings = mapping.get("attributeMappings") or []
        if existing is None:
            mapping["attributeMappings"] = [*mappings, copy.deepcopy(default)]
        elif default is None:  # added by hand: taken out
            mapping["attributeMappings"] = [m for m in mappings if m is not existing]
        else:  # put back in its place: the order of the mappings is the admin center's too
            mapping["attributeMappings"] = [copy.deepcopy(default) if m is existing else m for m in mappings]
    stale = [clause for _, clause in _undeclared_clauses(mapping, defaults, managed)]
    if stale:
        set_scope(mapping, stale=stale, wanted=managed.clauses())
    if "enabled" in defaults and mapping.get("enabled") is not None:
        mapping["enabled"] = defaults["enabled"]


def _mapping_drift(mapping: dict, defaults: dict, managed: ManagedSchema,
                   unmanaged: Collection[str]) -> list[tuple[str, str]]:
    """(target, what differs) for every attribute mapping the stack neither declares nor leaves alone."""
    if EVERY_ATTRIBUTE in unmanaged:
        return []
    skipped = {target.lower() for target in managed.sources()} | {name.lower() for name in unmanaged}
    found = []
    for default in defaults.get("attributeMappings") or []:
        target = default.get("targetAttributeName") or ""
        existing = find_attribute_mapping(mapping, target)
        if target.lower() in skipped:
            continue
        if existing is None:
            found.append((target, f"removed (the template's: {_described(default)})"))
        elif _setting(existing) != _setting(default):
            found.append((target, f"{_described(existing)} (the template's: {_described(default)})"))
    for existing in mapping.get("attributeMappings") or []:
        target = existing.get("targetAttributeName") or ""
        if target.lower() not in skipped and find_attribute_mapping(defaults, target) is None:
            found.append((target, f"{_described(existing)}, added (the template does not map it)"))
    return found


def _setting(mapping: AttributeMappingJson) -> tuple[Any, ...]:
    return source_meaning(mapping.get("source")), mapping.get("flowType") or "Always", mapping.get("defaultValue") or None


def _described(mapping: AttributeMappingJson) -> str:
    """A mapping as the admin center's attribute-mapping page shows it: source, default, when applied."""
    source = mapping.get("source") or {}
    text = f"{source.get('type') or 'source'} {source.get('expression') or source.get('name')}"
    if mapping.get("defaultValue"):
        text += f", default {mapping['defaultValue']!r}"
    flow = mapping.get("flowType") or "Always"
    return text + (", applied only on object creation" if flow == "ObjectAddOnly" else "")


def _undeclared_clauses(mapping: dict[str, Any], defaults: dict[str, Any], managed: ManagedSchema) -> list[tuple[str, ScopeClauseJson]]:
    """(scope group name, clause) of each clause neither the stack nor the template has."""
    known = {clause_key(c) for c in managed.clauses()}
    known |= {clause_key(c) for group in (defaults.get("scope") or {}).get("groups") or [] for c in group.get("clauses") or []}
    return [(group.get("name") or "", clause) for group in (mapping.get("scope") or {}).get("groups") or []
            for clause in group.get("clauses") or [] if clause_key(clause) not in known]


def _clause_text(clause: ScopeClauseJson) -> str:
    values = (clause.get("targetOperand") or {}).get("values") or []
    return " ".join(filter(None, (clause.get("sourceOperandName"), clause.get("operatorName"), ", ".join(values))))
