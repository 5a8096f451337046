"""The example stacks: they deploy, and scripts/render_topology.py keeps their topology documents."""
import importlib.util
from pathlib import Path

import pytest
import yaml

from components.diagram import topology_mermaid
from stackconfig import load_stack_config
from tests.components import stacks
from tests.components.harness import run_program

REPO = Path(__file__).resolve().parents[2]
SPEC = importlib.util.spec_from_file_location("render_topology", REPO / "scripts" / "render_topology.py")
render_topology = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(render_topology)


def stack_file_with_a_secret() -> dict:
    """The pair stack as a stack file holds it: contoso's client secret encrypted (`secure:`)."""
    config = stacks.pair_stack()
    config["ctsync:tenants"]["contoso"]["auth"] = {
        "method": "clientSecret", "clientId": stacks.CLIENT_ID, "clientSecret": {"secure": "v1:AAAA"},
    }
    return {"encryptionsalt": "v1:salt", "config": config}


@pytest.fixture
def folders(tmp_path):
    (tmp_path / "stacks").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "stacks" / "Pulumi.demo.yaml").write_text(yaml.safe_dump(stack_file_with_a_secret()))
    return tmp_path / "stacks", tmp_path / "docs"


def test_writes_the_programs_diagram_for_each_stack(folders):
    stacks_dir, docs_dir = folders
    assert render_topology.render(stacks_dir, docs_dir, [], check=False) == []
    written = (docs_dir / "topology-demo.md").read_text()
    assert f"```mermaid\n{topology_mermaid(load_stack_config(stacks.pair_stack()))}```" in written
    assert "v1:AAAA" not in written


def test_secure_values_are_replaced_and_their_key_marked_secret(folders):
    values, secret_keys = render_topology.stack_config(folders[0] / "Pulumi.demo.yaml")
    assert values["ctsync:tenants"]["contoso"]["auth"]["clientSecret"] == render_topology.SECRET_PLACEHOLDER
    assert secret_keys == ["ctsync:tenants"]


def test_check_reports_a_stale_or_invalid_stack(folders):
    stacks_dir, docs_dir = folders
    render_topology.render(stacks_dir, docs_dir, [], check=False)
    assert render_topology.render(stacks_dir, docs_dir, ["demo"], check=True) == []
    changed = stack_file_with_a_secret()
    changed["config"]["ctsync:sync"].pop()
    (stacks_dir / "Pulumi.demo.yaml").write_text(yaml.safe_dump(changed))
    assert render_topology.render(stacks_dir, docs_dir, ["demo"], check=True) == [
        f"{docs_dir / 'topology-demo.md'} is out of date: run scripts/render_topology.py demo"
    ]
    changed["config"]["ctsync:sync"][0]["to"] = "nowhere"
    (stacks_dir / "Pulumi.demo.yaml").write_text(yaml.safe_dump(changed))
    [problem] = render_topology.render(stacks_dir, docs_dir, ["demo"], check=True)
    assert "ctsync:sync[0].to" in problem


EXAMPLE_STACKS = sorted((REPO / "stacks").glob("Pulumi.*.yaml"))


@pytest.mark.parametrize("stack_file", EXAMPLE_STACKS, ids=[path.name for path in EXAMPLE_STACKS])
def test_every_example_stack_deploys(monitor, stack_file):
    values, secret_keys = render_topology.stack_config(stack_file)
    run_program(values, secret_keys)
    pairs = load_stack_config(values, secret_keys).pairs
    assert len(monitor.of_kind("PartnerAccess")) == 2 * len(pairs) > 0


def test_the_example_stack_documents_are_up_to_date():
    assert render_topology.render(REPO / "stacks", REPO / "docs", [], check=True) == []
