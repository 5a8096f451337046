"""Scoping filters (`objectMapping.scope`): OR between groups, AND between a group's clauses.

Operator names follow the portal's list (docs/graph-notes.md#schema). The exact API spellings are not
documented, so names are matched ignoring case, spaces and underscores ("IS TRUE" = "IS_TRUE" =
"IsTrue"). As documented, a clause on a null or empty value is false (except IS NULL).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .expressions import source_attribute

Clause = Callable[[dict], bool]


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    return str(value)


def _integer(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _is_bool(expected: bool) -> Callable[[Any, str], bool]:
    return lambda value, _: value is expected or (isinstance(value, str) and value.lower() == str(expected).lower())


def _compare(test: Callable[[int, int], bool]) -> Callable[[Any, str], bool]:
    def check(value: Any, operand: str) -> bool:
        left, right = _integer(value), _integer(operand)
        return left is not None and right is not None and test(left, right)

    return check


# operator name (as listed by filterOperators) -> (arity, test(value, operand)); values are non-empty
OPERATORS: dict[str, tuple[str, Callable[[Any, str], bool]]] = {
    "EQUALS": ("Binary", lambda value, operand: _text(value) == operand),
    "NOT EQUALS": ("Binary", lambda value, operand: _text(value) != operand),
    "IS TRUE": ("Unary", _is_bool(True)),
    "IS FALSE": ("Unary", _is_bool(False)),
    "IS NOT NULL": ("Unary", lambda value, _: True),
    "REGEX MATCH": ("Binary", lambda value, operand: re.search(operand, _text(value)) is not None),
    "NOT REGEX MATCH": ("Binary", lambda value, operand: re.search(operand, _text(value)) is None),
    "Includes": ("Binary", lambda value, operand: operand in _text(value)),
    "ENDS_WITH": ("Binary", lambda value, operand: _text(value).endswith(operand)),
    "Greater_Than": ("Binary", _compare(lambda left, right: left > right)),
    "Greater_Than_OR_EQUALS": ("Binary", _compare(lambda left, right: left >= right)),
    "&": ("Binary", _compare(lambda left, right: left & right != 0)),
    "!&": ("Binary", _compare(lambda left, right: left & right == 0)),
}
IS_NULL = "IS NULL"


def _key(name: str) -> str:
    return re.sub(r"[\s_]", "", name).upper()


_BY_KEY = {_key(name): name for name in (*OPERATORS, IS_NULL)}


def canonical_operator(name: Any) -> str:
    operator = _BY_KEY.get(_key(name)) if isinstance(name, str) else None
    if operator is None:
        raise ValueError(f"Unknown scoping filter operator {name!r}.")
    return operator


def compile_clause(clause: dict) -> Clause:
    operator = canonical_operator(clause.get("operatorName"))
    attribute = clause.get("sourceOperandName")
    if not isinstance(attribute, str) or not attribute:
        raise ValueError("A scoping filter clause needs a sourceOperandName.")
    values = ((clause.get("targetOperand") or {}).get("values")) or []
    operand = str(values[0]) if values else ""
    if operator == IS_NULL:
        return lambda user: _empty(source_attribute(user, attribute))
    test = OPERATORS[operator][1]
    return lambda user: not _empty(value := source_attribute(user, attribute)) and test(value, operand)


def compile_scope(scope: Any) -> Clause:
    if scope is not None and not isinstance(scope, dict):
        raise ValueError("objectMapping.scope must be an object.")
    groups = (scope or {}).get("groups") or []
    compiled = [[compile_clause(clause) for clause in (group.get("clauses") or [])] for group in groups]
    if not compiled:
        return lambda user: True
    return lambda user: any(all(clause(user) for clause in group) for group in compiled)


def filter_operators() -> list[dict]:
    """The `schema/filterOperators` answer."""
    supported = {"Unary": ["Boolean", "String", "Integer", "Reference", "Binary"], "Binary": ["String", "Integer", "Boolean"]}
    names = [*OPERATORS, IS_NULL]
    arities = {**{name: arity for name, (arity, _) in OPERATORS.items()}, IS_NULL: "Unary"}
    return [
        {"name": name, "arity": arities[name], "multivaluedComparisonType": "All", "supportedAttributeTypes": supported[arities[name]]}
        for name in names
    ]
