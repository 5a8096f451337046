"""What is generated from the resource declarations is committed fresh: the typed program-side classes
(providers/sdk/__init__.py) and the catalogue (docs/resources.md)."""
from providers import codegen


def test_generated_files_are_fresh():
    stale = [str(path.relative_to(codegen.ROOT)) for path, text in codegen.generated().items() if path.read_text() != text]
    assert stale == [], f"stale: {stale}; run `python -m providers.codegen`"


def test_the_catalogue_documents_every_import_id():
    text = codegen.DOCS.read_text()
    from providers.resources import CATALOGUE

    for definition in CATALOGUE:
        assert f"pulumi import {definition.token()} <name> '{definition.id_format}'" in text


def test_the_package_schema_keeps_to_what_pulumi_accepts():
    """Constant defaults are booleans, numbers or strings only (Pulumi refuses a list's); the components
    are marked as such and their object types all resolve (the engine tier runs `pulumi package get-schema`)."""
    from components.package import COMPONENTS, SCHEMA_TYPES
    from providers.framework import package_schema
    from providers.resources import CATALOGUE

    schema = package_schema.build(CATALOGUE, "1.2.3", COMPONENTS, SCHEMA_TYPES)
    defaults = [(token, name, type(spec["default"]).__name__) for token, resource in schema["resources"].items()
                for name, spec in resource["inputProperties"].items() if "default" in spec]
    assert defaults and all(kind in ("bool", "int", "float", "str") for _, _, kind in defaults)
    components = {token for token, resource in schema["resources"].items() if resource.get("isComponent")}
    assert components == {"ctsync:index:Estate", "ctsync:pair:TenantPair", "ctsync:mto:MtoMembership"}
    refs = {ref for ref in _refs(schema) if ref.startswith("#/types/")}
    assert refs and {ref.removeprefix("#/types/") for ref in refs} <= set(schema["types"])
    assert schema["version"] == "1.2.3" and schema["language"]["python"]["packageName"] == "pulumi_ctsync"


def _refs(value):
    if isinstance(value, dict):
        yield from ([value["$ref"]] if "$ref" in value else [])
        for item in value.values():
            yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


def test_the_version_is_written_once_and_the_template_pins_it():
    from providers.version import VERSION

    requirements = (codegen.ROOT / "templates" / "ctsync-estate" / "requirements.txt").read_text()
    assert f"pulumi_ctsync=={VERSION}\n" in requirements
    assert f"## {VERSION}" in (codegen.ROOT / "CHANGELOG.md").read_text()
