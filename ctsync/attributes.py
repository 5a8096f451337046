"""What `verify` shows per mapped attribute: the source user's value, the value the job's mapping gives
for it, the target user's value now, and whether they agree (pure: the reads are verify.py's).

A direct mapping gives the source value (or the mapping's default when that is empty), a constant
gives itself; an expression is Graph's to evaluate, so what it gives is not predicted here.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ctsync.tables import aligned

# Source attribute names of the template that are not the user resource's property names in Graph.
GRAPH_NAMES = {"objectid": "id"}
NOT_PREDICTED = "(expression)"
NOT_READ = "(not read)"
EXT = "#EXT#"


@dataclass(frozen=True)
class Row:
    attribute: str  # the target attribute
    source: str  # the source attribute, the constant, or the expression
    source_value: Any
    gives: Any
    target_value: Any

    @property
    def agrees(self) -> str:
        if NOT_PREDICTED in (self.gives,) or NOT_READ in (self.target_value, self.gives):
            return "?"
        target = self.target_value
        if self.attribute.lower() == "userprincipalname" and isinstance(target, str) and EXT in target:
            # Entra writes a B2B user's principal name as <name>_<domain>#EXT#@<target domain>.
            target = target.split(EXT)[0]
            return "yes" if isinstance(self.gives, str) and self.gives.replace("@", "_").lower() == target.lower() else "NO"
        return "yes" if _plain(self.gives) == _plain(target) else "NO"


def graph_name(attribute: str) -> str:
    return GRAPH_NAMES.get(attribute.lower(), attribute)


def source_attributes(mappings: Iterable[Mapping[str, Any]]) -> list[str]:
    """The source user's properties the mappings read directly (as Graph names them)."""
    return sorted({graph_name(str(m["source"]["name"])) for m in mappings
                   if (m.get("source") or {}).get("type") == "Attribute" and m["source"].get("name")})


def rows(mappings: Iterable[Mapping[str, Any]], source_user: Mapping[str, Any] | None,
         target_user: Mapping[str, Any] | None) -> list[Row]:
    """A row per attribute mapping, in the schema's order."""
    made = []
    for mapping in mappings:
        source = mapping.get("source") or {}
        kind, target = source.get("type"), str(mapping.get("targetAttributeName") or "")
        if kind == "Attribute":
            name = graph_name(str(source.get("name") or ""))
            value = _read(source_user, name)
            gives = value if value not in (None, "", []) or value == NOT_READ else mapping.get("defaultValue")
            made.append(Row(target, name, value, gives, _read(target_user, target)))
        elif kind == "Constant":
            made.append(Row(target, f"constant {source.get('name')!r}", None, source.get("name"), _read(target_user, target)))
        else:
            made.append(Row(target, str(source.get("expression") or kind), None, NOT_PREDICTED, _read(target_user, target)))
    return made


def _read(user: Mapping[str, Any] | None, name: str) -> Any:
    if user is None:
        return NOT_READ
    found = next((key for key in user if key.lower() == name.lower()), None)
    return user[found] if found is not None else NOT_READ


def _plain(value: Any) -> Any:
    """Values compared as Graph writes them: a constant "True" is the boolean true; empty is null."""
    if isinstance(value, bool) or (isinstance(value, str) and value.lower() in ("true", "false")):
        return str(value).lower()
    return value if value not in ("", []) else None


def table(made: list[Row]) -> list[str]:
    header = ("ATTRIBUTE", "FROM", "SOURCE VALUE", "MAPPING GIVES", "TARGET NOW", "AGREE")
    cells = [header, *[(r.attribute, r.source, _show(r.source_value), _show(r.gives), _show(r.target_value), r.agrees)
                       for r in made]]
    return aligned(cells, cap=40)


def _show(value: Any) -> str:
    if value in (NOT_READ, NOT_PREDICTED):
        return str(value)
    return "-" if value is None else repr(value)
