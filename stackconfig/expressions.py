"""Graph's attribute-mapping expression language: parsed, checked, and turned into the structured
``attributeMappingSource`` a synchronization schema holds.

Grammar (Microsoft's reference of the functions and their syntax:
https://learn.microsoft.com/en-us/entra/identity/app-provisioning/functions-for-customizing-application-data):

    expression := function | attribute | string | number
    function   := Name "(" [expression ("," expression)*] ")"
    attribute  := "[" name "]"                 e.g. [department]
    string     := '"' characters '"'           a double quote inside is written \\"

A function name must be one of the documented functions, with as many arguments as it takes. Pure:
the config contract checks expressions with it before anything is deployed, and the provider builds
the schema's source objects with it.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .values import control_character

# Function -> (parameter names, how many are required). A name ending in "*" repeats (source1, source2, ...).
FUNCTIONS: dict[str, tuple[tuple[str, ...], int]] = {
    "AltSecidFromNetid": (("netid",), 1),
    "Append": (("source", "suffix"), 2),
    "BitAnd": (("value1", "value2"), 2),
    "CBool": (("expression",), 1),
    "CDate": (("expression",), 1),
    "Coalesce": (("source*",), 1),
    "ConvertToBase64": (("source",), 1),
    "ConvertToUTF8Hex": (("source",), 1),
    "Count": (("attribute",), 1),
    "CStr": (("value",), 1),
    "DateAdd": (("interval", "value", "dateTime"), 3),
    "DateDiff": (("interval", "date1", "date2"), 3),
    "DateFromNum": (("value",), 1),
    "FormatDateTime": (("source", "dateTimeStyles", "inputFormat", "outputFormat"), 3),
    "Guid": ((), 0),
    "IgnoreFlowIfNullOrEmpty": (("expression",), 1),
    "IIF": (("condition", "valueIfTrue", "valueIfFalse"), 3),
    "InStr": (("value1", "value2", "start", "compareType"), 2),
    "IsNull": (("expression",), 1),
    "IsNullOrEmpty": (("expression",), 1),
    "IsPresent": (("expression",), 1),
    "IsString": (("expression",), 1),
    "Item": (("attribute", "index"), 2),
    "Join": (("separator", "source*"), 2),
    "Left": (("string", "numChars"), 2),
    "Mid": (("source", "start", "length"), 3),
    "NormalizeDiacritics": (("source",), 1),
    "Not": (("source",), 1),
    "Now": ((), 0),
    "NumFromDate": (("value",), 1),
    "PCase": (("source", "wordSeparators"), 1),
    "RandomString": (("length", "minimumNumbers", "minimumSpecialCharacters", "minimumCapital", "minimumLowerCase",
                      "charactersToAvoid"), 1),
    "Redact": ((), 0),
    "RemoveDuplicates": (("attribute",), 1),
    "Replace": (("source", "oldValue", "regexPattern", "regexGroupName", "replacementValue", "replacementAttributeName",
                 "template"), 2),
    "SelectUniqueValue": (("uniqueValueRule*",), 1),
    "SingleAppRoleAssignment": (("appRoleAssignments",), 1),
    "Split": (("source", "delimiter"), 2),
    "StripSpaces": (("source",), 1),
    "Switch": (("source", "defaultValue", "keyOrValue*"), 2),
    "ToLower": (("source", "culture"), 1),
    "ToUpper": (("source", "culture"), 1),
    "Word": (("string", "wordNumber", "delimiters"), 3),
}

_TOKEN = re.compile(r'\s*(?:(?P<name>[A-Za-z_]\w*)|(?P<attr>\[[^\[\]]*\])|(?P<str>"(?:\\.|[^"\\])*")|(?P<num>-?\d+)|(?P<punct>[(),]))')


# How deep functions may nest. Graph's own limit is not documented; real mappings nest a handful of
# levels, and a bound keeps a hostile expression from exhausting Python's recursion limit.
MAX_DEPTH = 64


class ExpressionError(ValueError):
    """What is wrong, and where (0-based character position in the expression)."""

    def __init__(self, message: str, position: int, fix: str | None = None):
        super().__init__(f"{message} (at character {position + 1})")
        self.message, self.position, self.fix = message, position, fix


@dataclass(frozen=True)
class Node:
    kind: str  # Attribute | Constant | Function
    name: str  # the attribute, the constant's text, the function
    arguments: tuple[Node, ...] = ()

    def text(self) -> str:
        """The expression in Graph's own spelling."""
        if self.kind == "Attribute":
            return f"[{self.name}]"
        if self.kind == "Constant":
            return json.dumps(self.name)
        return f"{self.name}({', '.join(argument.text() for argument in self.arguments)})"

    def attributes(self) -> list[str]:
        """Every source attribute the expression reads."""
        if self.kind == "Attribute":
            return [self.name]
        return [name for argument in self.arguments for name in argument.attributes()]


# Proposes the closest of some names for a misspelt one (stackconfig.reader.suggest).
Suggest = Callable[[str, Iterable[str]], str | None]


def parse(text: str, suggest: Suggest | None = None) -> Node:
    """The expression's tree; ExpressionError with the position of the first problem.
    ``suggest(word, options)`` proposes the closest function name for a misspelt one."""
    parser = _Parser(text, suggest)
    node = parser.expression()
    if parser.position < len(text.rstrip()):
        raise ExpressionError(f"unexpected {text[parser.position:].strip()[:20]!r} after the expression", parser.position)
    return node


class _Parser:
    def __init__(self, text: str, suggest: Suggest | None):
        self.text, self.position, self.suggest = text, 0, suggest
        self.depth = 0

    def _next(self) -> tuple[str, str, int] | None:
        match = _TOKEN.match(self.text, self.position)
        if match is not None and match.end() > self.position and match.lastgroup is not None:
            return match.lastgroup, match.group(match.lastgroup), match.start(match.lastgroup)
        rest = self.text[self.position:]
        if not rest.strip():
            return None
        raise ExpressionError(f"cannot read {rest.strip()[:20]!r}", self.position + len(rest) - len(rest.lstrip()))

    def _take(self) -> tuple[str, str, int]:
        token = self._next()
        match = _TOKEN.match(self.text, self.position)
        if token is None or match is None:
            raise ExpressionError("the expression ends too early", len(self.text))
        self.position = match.end()
        return token

    def _peek(self) -> tuple[str, str, int] | None:
        return self._next()

    def expression(self) -> Node:
        kind, value, at = self._take()
        if kind == "attr":
            name = value[1:-1].strip()
            if not name:
                raise ExpressionError("an attribute needs a name between [ and ]", at)
            return Node("Attribute", name)
        if kind == "str":
            return Node("Constant", _string(value, at))
        if kind == "num":
            return Node("Constant", value)
        if kind == "name":
            return self._function(value, at)
        raise ExpressionError(f"expected a function, an [attribute] or a \"string\", got {value!r}", at)

    def _function(self, name: str, at: int) -> Node:
        if name not in FUNCTIONS:
            match = self.suggest(name, FUNCTIONS) if self.suggest else None
            raise ExpressionError(f"{name!r} is not a function of Graph's attribute mappings", at,
                                  f"did you mean {match!r}?" if match else "see Microsoft's function reference")
        kind, value, where = self._take()
        if value != "(":
            raise ExpressionError(f"{name} needs its arguments in parentheses", where)
        arguments: list[Node] = []
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(f"functions nest more than {MAX_DEPTH} deep", at, "write a simpler expression")
        following = self._peek()
        if following and following[1] == ")":
            self._take()
        else:
            while True:
                arguments.append(self.expression())
                kind, value, where = self._take()
                if value == ")":
                    break
                if value != ",":
                    raise ExpressionError(f"expected ',' or ')' in the arguments of {name}, got {value!r}", where)
        self.depth -= 1
        _check_arity(name, len(arguments), at)
        return Node("Function", name, tuple(arguments))


def _string(token: str, at: int) -> str:
    """A string literal's text; its escapes are JSON's (\\" \\\\ \\n \\uXXXX ...)."""
    try:
        text = str(json.loads(token))
    except json.JSONDecodeError:
        raise ExpressionError(f"the string {token[:20]!r} has an escape Graph does not know", at,
                              'escape only \\" and \\\\ inside a string') from None
    hidden = control_character(text)
    if hidden is not None:
        raise ExpressionError(f"the string holds the control character {hidden}", at, "remove it")
    return text


def _check_arity(name: str, count: int, at: int) -> None:
    parameters, required = FUNCTIONS[name]
    variadic = bool(parameters) and parameters[-1].endswith("*")
    most = None if variadic else len(parameters)
    if count < required or (most is not None and count > most):
        wanted = f"at least {required}" if most is None else (f"{required}" if required == most else f"{required} to {most}")
        raise ExpressionError(f"{name} takes {wanted} argument(s), got {count}", at)


def parameter_keys(name: str, count: int) -> list[str]:
    """The keys of a function's ``count`` arguments in the schema: fixed names, then source1, source2..."""
    parameters, _ = FUNCTIONS[name]
    fixed = [p for p in parameters if not p.endswith("*")]
    repeated = next((p[:-1] for p in parameters if p.endswith("*")), None)
    keys = fixed[:count]
    index = 1
    while len(keys) < count:
        keys.append(f"{repeated}{index}")
        index += 1
    return keys


def source_json(node: Node) -> dict[str, Any]:
    """The ``attributeMappingSource`` a schema holds for ``node``."""
    if node.kind == "Attribute":
        return {"expression": node.text(), "name": node.name, "parameters": [], "type": "Attribute"}
    if node.kind == "Constant":
        return {"expression": node.text(), "name": node.name, "parameters": [], "type": "Constant"}
    keys = parameter_keys(node.name, len(node.arguments))
    return {
        "expression": node.text(),
        "name": node.name,
        "parameters": [{"key": key, "value": source_json(argument)} for key, argument in zip(keys, node.arguments, strict=False)],
        "type": "Function",
    }
