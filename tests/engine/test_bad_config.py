"""Bad stack config through the real CLI: `pulumi preview` stops with every problem, each naming its
config path and the fix, before any resource exists and before any request reaches Graph."""
from __future__ import annotations

from emulator import EmulatorServer
from tests.engine.project import CLI, CONTOSO, REPO, STACK, Project, needs_cli

pytestmark = needs_cli


def test_preview_of_an_invalid_stack_lists_every_problem_and_touches_nothing(tmp_path):
    with EmulatorServer(port=0, fixture=str(REPO / "emulator" / "fixtures" / "local.yaml")) as emulator:
        project = Project.create(tmp_path / "project", emulator.base_url, CLI)
        project.init()
        project.config_set_path("ctsync:sync[0].scope.groups[0]", "Sales")
        project.config_set_path("ctsync:sync[1].userType", "Admin")
        project.config_set_path("ctsync:mto.owner", "tailspin")
        # companyName's constant becomes an expression with a misspelt function
        project.pulumi("config", "rm", "--path", "ctsync:sync[0].attributeMappings[0].constant", "-s", STACK)
        project.config_set_path("ctsync:sync[0].attributeMappings[0].expression", 'Jion(" ", [givenName], [surname])')
        emulator.admin.clear_requests()

        run = project.pulumi("preview", "-s", STACK, check=False)

        output = run.stdout + run.stderr
        assert run.returncode != 0
        for path in ("ctsync:sync[0].scope.groups[0]", "ctsync:sync[1].userType", "ctsync:mto.owner",
                     "ctsync:sync[0].attributeMappings[0].expression"):
            assert path in output, f"{path} missing from:\n{output}"
        assert '"Sales" is not an object id' in output
        assert "'Jion' is not a function of Graph's attribute mappings" in output and "did you mean 'Join'?" in output
        assert emulator.admin.requests() == []
        state = project.pulumi("stack", "export", "-s", STACK).json()
        assert not state["deployment"].get("resources"), "no resource was registered"


def test_a_plain_client_secret_beside_an_encrypted_one_is_refused_by_up(tmp_path):
    """One tenant's secret set with --secret makes ctsync:tenants a secret key; another tenant's
    pasted in plain text must still stop `pulumi up`, before anything is written, and stay out of the
    update's output."""
    plain = "pl41n-t3xt-s3cr3t-in-the-stack-file"
    with EmulatorServer(port=0, fixture=str(REPO / "emulator" / "fixtures" / "local.yaml")) as emulator:
        project = Project.create(tmp_path / "project", emulator.base_url, CLI)
        project.init()
        for alias in ("contoso", "fabrikam"):
            project.config_set_path(f"ctsync:tenants.{alias}.auth.method", "clientSecret")
            project.config_set_path(f"ctsync:tenants.{alias}.auth.clientId", "44444444-4444-4444-8444-444444444444")
            project.config_set_path(f"ctsync:tenants.{alias}.authorityHost", "https://127.0.0.1:18443")
        project.pulumi("config", "set", "--secret", "--path", "ctsync:tenants.contoso.auth.clientSecret", "encrypted", "-s", STACK)
        # pasted into the stack file (Pulumi's own hint against it is overridden as a paste would)
        project.pulumi("config", "set", "--plaintext", "--path", "ctsync:tenants.fabrikam.auth.clientSecret", plain, "-s", STACK)
        assert project.pulumi("config", "-s", STACK, "--json").json()["ctsync:tenants"]["secret"] is True
        emulator.admin.clear_requests()

        run = project.pulumi("up", "--yes", "--skip-preview", "-s", STACK, check=False)

        output = run.stdout + run.stderr
        assert run.returncode != 0
        assert output.count("ctsync:tenants.fabrikam.auth.clientSecret: is in plain text") == 1, output
        # The report is the error: no engine line about the program's exit code after it.
        assert "unhandled error" not in output and "non-zero exit code" not in output
        assert "ctsync:tenants.contoso.auth.clientSecret" not in output
        assert plain not in output
        assert emulator.admin.requests() == []


def test_a_scope_group_that_does_not_exist_is_refused_by_preview_with_its_config_path(tmp_path):
    """Only Graph can tell; the preview asks it (reads only) before anything is written."""
    missing = "aaaaaaaa-0000-4000-8000-0000000000ff"
    with EmulatorServer(port=0, fixture=str(REPO / "emulator" / "fixtures" / "local.yaml")) as emulator:
        project = Project.create(tmp_path / "project", emulator.base_url, CLI)
        project.init()
        project.config_set_path("ctsync:sync[0].scope.groups[1]", missing)
        emulator.admin.clear_requests()

        run = project.pulumi("preview", "-s", STACK, check=False)

        output = run.stdout + run.stderr
        assert run.returncode != 0
        assert f"the group {missing} does not exist in tenant contoso ({CONTOSO}); it is declared at ctsync:sync[0].scope.groups[1]" in output
        assert [e for e in emulator.admin.requests() if e["method"] != "GET"] == [], "a preview never writes"
