"""A scope change seen in `pulumi preview` before anyone runs `up`: how many users it takes out of the
target, counted from Graph (the removed group's direct members not in scope otherwise), and that this
is more than the sync's deletion threshold; the preview writes nothing."""
from __future__ import annotations

import yaml

from emulator import EmulatorServer
from tests.engine.project import CLI, CONTOSO, FABRIKAM, REPO, STACK, Project, needs_cli

pytestmark = needs_cli
SALES = "aaaaaaaa-0000-4000-8000-000000000001"  # Adele, Alex, Megan
LYNNE = "c0000000-0000-4000-8000-000000000004"


def test_a_preview_counts_the_users_a_scope_change_takes_out(tmp_path):
    stack = yaml.safe_load((REPO / "stacks" / "Pulumi.local.yaml").read_text())
    contoso_to_fabrikam = stack["config"]["ctsync:sync"][0]
    assert contoso_to_fabrikam["scope"] == {"groups": [SALES]}
    contoso_to_fabrikam["deletionThreshold"] = 1
    with EmulatorServer(port=0, fixture=str(REPO / "emulator" / "fixtures" / "local.yaml")) as emulator:
        project = Project.create(tmp_path / "project", emulator.base_url, CLI, stack=stack)
        project.init()
        project.up()
        stack_file = project.root / "stacks" / f"Pulumi.{STACK}.yaml"
        edited = yaml.safe_load(stack_file.read_text())
        edited["config"]["ctsync:sync"][0]["scope"] = {"users": [LYNNE]}
        stack_file.write_text(yaml.safe_dump(edited, sort_keys=False))
        emulator.admin.clear_requests()

        preview = project.pulumi("preview", "--diff", "-s", STACK)
        writes = [entry for entry in emulator.admin.requests() if entry["method"] != "GET"]
    output = " ".join((preview.stdout + preview.stderr).split())
    # Adele and Alex leave; Megan, the group's third member, is disabled and so was never in the target.
    assert f"this scope change takes 2 user(s) of tenant contoso ({CONTOSO}) out of the sync to tenant fabrikam ({FABRIKAM})" in output
    assert "more than the job's deletion threshold of 1: the job will stop with TooManyDeletes" in output
    assert writes == [], "a preview writes nothing"


def test_a_preview_shows_no_unknown_for_outputs_that_do_not_change(tmp_path):
    """A trust change touches two partner entries; the jobs' rows in the stack outputs stay as they are."""
    with EmulatorServer(port=0, fixture=str(REPO / "emulator" / "fixtures" / "local.yaml")) as emulator:
        project = Project.create(tmp_path / "project", emulator.base_url, CLI)
        project.init()
        project.up()
        project.config_set_path("ctsync:sync[0].trust.mfa", "false")
        preview = project.pulumi("preview", "--diff", "-s", STACK)
    assert "[unknown]" not in preview.stdout
    assert "isMfaAccepted" in preview.stdout or "trust_mfa" in preview.stdout
