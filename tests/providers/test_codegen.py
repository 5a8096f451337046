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
