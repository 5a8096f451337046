"""Property-based: the config check never crashes. Whatever the stack config holds (random shapes,
hostile strings, deep nesting), the result is a valid model or a ConfigError listing problems, each
at a `ctsync:` path; the expression parser gives a tree or an ExpressionError; and whatever the
contract accepts, the provider's check accepts too, so a refusal always comes before the first write.
"""
from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.provisioning import filter_input, mapping_input
from providers.synchronization.schema_checks import canonical_mappings, invalid_filters, invalid_mappings
from stackconfig import ConfigError, StackConfig, load_stack_config
from stackconfig.expressions import FUNCTIONS, ExpressionError, parse
from tests.unit.conftest import BASE, SECRET_KEYS

# A budget that keeps this module well under a minute on CI's 2 cores.
QUICK = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

HOSTILE_CHARACTERS = st.sampled_from(["\x00", "\n", "\t", "\u202e", "\u2066", "\\", '"', "[", "]", "(", ")", ",", "$",
                                      "{", "}", "'", ":", ".", "/", " ", "é", "𝔘", "\ufeff"])
TEXT = st.text(st.one_of(st.characters(), HOSTILE_CHARACTERS), max_size=40)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True), TEXT)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(TEXT, inner, max_size=4)), max_leaves=25)
SECTIONS = ["ctsync:tenants", "ctsync:sync", "ctsync:topology", "ctsync:mto", "ctsync:deleteTakenOver",
            "ctsync:takeOverFrom", "ctsync:bogus"]


def outcome(values) -> StackConfig | ConfigError:
    try:
        return load_stack_config(values, secret_paths=SECRET_KEYS)
    except ConfigError as error:
        assert error.problems, "a ConfigError lists at least one problem"
        assert all(problem.path.startswith("ctsync:") for problem in error.problems)
        return error


@QUICK
@given(st.dictionaries(st.sampled_from(SECTIONS), VALUES, max_size=5))
def test_any_sections_give_a_model_or_listed_problems(values):
    outcome(values)


@QUICK
@given(st.sampled_from(["ctsync:tenants", "ctsync:sync", "ctsync:topology", "ctsync:mto"]), st.data())
def test_one_section_replaced_by_anything_gives_a_model_or_listed_problems(section, data):
    """The rest of a valid stack stays, so the reader goes deep into the other sections too."""
    values = copy.deepcopy(BASE)
    values[section] = data.draw(VALUES)
    outcome(values)


PATHS = [("ctsync:sync", 0, "scope"), ("ctsync:sync", 0, "attributeMappings"), ("ctsync:sync", 0, "trust"),
         ("ctsync:sync", 1, "scope"), ("ctsync:topology", None, "defaults"), ("ctsync:mto", None, "templates")]


@QUICK
@given(st.sampled_from(PATHS), VALUES)
def test_a_nested_value_replaced_by_anything_gives_a_model_or_listed_problems(where, value):
    values = copy.deepcopy(BASE)
    key, index, name = where
    (values[key][index] if index is not None else values[key])[name] = value
    outcome(values)


@QUICK
@given(st.lists(st.one_of(st.sampled_from(list("[](),\" \\0123456789")), st.sampled_from(sorted(FUNCTIONS)),
                          HOSTILE_CHARACTERS, st.characters()), max_size=30).map("".join))
def test_the_expression_parser_gives_a_tree_or_a_located_error(text):
    try:
        tree = parse(text)
    except ExpressionError as error:
        assert 0 <= error.position <= len(text)
        return
    # A tree prints back as an expression that parses to the same tree.
    assert parse(tree.text()) == tree


EXPRESSIONS = st.recursive(
    st.one_of(st.from_regex(r"\[[a-zA-Z]{1,10}\]", fullmatch=True), st.builds(lambda s: '"' + s + '"', st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters='"\\'), max_size=10))),
    lambda inner: st.builds(lambda name, args: f"{name}({', '.join(args)})", st.sampled_from(sorted(FUNCTIONS)),
                            st.lists(inner, max_size=4)),
    max_leaves=12,
)
MAPPINGS = st.lists(st.fixed_dictionaries(
    {"target": st.one_of(st.sampled_from(["companyName", "UserType", "usertype", "ALTERNATIVESECURITYIDS", "department",
                                          "Department"]), TEXT)},
    optional={"source": st.one_of(st.sampled_from(["department", "jobTitle"]), TEXT), "constant": TEXT,
              "expression": st.one_of(EXPRESSIONS, TEXT), "flow": st.sampled_from(["always", "objectAddOnly", "x"]),
              "default": TEXT, "remove": st.booleans()}), max_size=4)
FILTERS = st.lists(st.fixed_dictionaries({"attribute": st.one_of(st.just("department"), TEXT),
                                          "operator": st.sampled_from(["EQUALS", "NOT EQUALS", "IS TRUE", "x"]),
                                          "values": st.lists(st.one_of(TEXT, st.integers(0, 99)), max_size=3)}), max_size=3)


@settings(max_examples=300, deadline=None)
@given(MAPPINGS, FILTERS)
def test_what_the_contract_accepts_the_provider_accepts(mappings, filters):
    values = copy.deepcopy(BASE)
    values["ctsync:sync"][0]["attributeMappings"] = mappings
    values["ctsync:sync"][0]["scope"] = {"filters": filters} if filters else values["ctsync:sync"][0]["scope"]
    result = outcome(values)
    if isinstance(result, ConfigError):
        return
    sync = next(s for s in result.syncs if (s.source, s.target) == ("contoso", "fabrikam"))
    assert invalid_mappings(canonical_mappings([mapping_input(m) for m in sync.attribute_mappings])) is None
    assert invalid_filters([filter_input(f) for f in sync.scope.filters]) is None
