"""Bad input to `python -m ctsync`, through `cli.main` as the command line calls it: every malformed
argument or stack file is one line on stderr and exit 2 (never a traceback, never a hang), a
plain-text client secret is refused even beside an encrypted one, and `export` writes the stack
file safely (not over edits made meanwhile, through a symlink, with its mode, atomically)."""
from __future__ import annotations

import asyncio
import contextlib
import os
import stat
import subprocess
import sys

import pytest
import yaml

from ctsync import cli, stackfile
from tests.components.test_export import STACK, portal_pair, write_stack
from tests.emulator.flows import CONTOSO, FABRIKAM, two_tenants

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]
SECRET = "pl41n-t3xt-cl13nt-s3cr3t"


@pytest.fixture
def world(emulator):
    emulator.admin.load_fixture(two_tenants())
    return emulator


@pytest.fixture
def root(world, tmp_path, monkeypatch):
    write_stack(tmp_path, world.base_url)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def stack_file(root):
    return root / "stacks" / f"Pulumi.{STACK}.yaml"


def one_line_refusal(capsys, *args: str) -> str:
    """Runs the command; asserts exit 2 with one line on stderr and returns that line."""
    assert cli.main(list(args)) == cli.BAD_INPUT
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    return err.strip()


ARGUMENTS = {
    "a stack name that climbs out of stacks/": (["status", "--stack", "a/../../x"], "is not a stack name"),
    "a stack name with a slash": (["status", "--stack", "org/prod"], "is not a stack name"),
    "verify --user .": (["verify", "--stack", STACK, "--from", "contoso", "--to", "fabrikam", "--user", "."],
                        "'.' is not a user's object id (GUID) or principal name"),
    "verify --user with a query": (["verify", "--stack", STACK, "--from", "contoso", "--to", "fabrikam", "--user", "?$top=5"],
                                   "is not a user's object id"),
    "logs --since 1000000d": (["logs", "--stack", STACK, "--since", "1000000d"], "must be a number and a unit"),
    "logs --since 31d": (["logs", "--stack", STACK, "--since", "31d"], "at most 30d"),
    "logs --since 0h": (["logs", "--stack", STACK, "--since", "0h"], "more than 0"),
    "an unknown option": (["status", "--stack", STACK, "--bogus"], "unrecognized arguments: --bogus"),
    "a missing option": (["status"], "the following arguments are required: --stack"),
}


@pytest.mark.parametrize("args, fragment", ARGUMENTS.values(), ids=ARGUMENTS.keys())
def test_a_bad_argument_is_one_line_and_exit_2(root, capsys, args, fragment):
    assert fragment in one_line_refusal(capsys, *args)


FILES = {
    "a duplicate key": ("config:\n  ctsync:tenants: {}\n  ctsync:tenants: {}\n", "is not valid YAML"),
    "a !!binary value": ("config:\n  ctsync:tenants:\n    contoso:\n      tenantId: !!binary aGVsbG8=\n",
                         "ctsync:tenants.contoso.tenantId is a YAML bytes value"),
    "an alias bomb": ("config:\n  a0: &a [x, x, x, x, x, x, x, x, x, x]\n"
                      + "".join(f"  a{i}: &{chr(97 + i)} [{', '.join([f'*{chr(96 + i)}'] * 10)}]\n" for i in range(1, 9))
                      + "  ctsync:tenants: *i\n", "its YAML aliases expand to more than 100000 values"),
    "no config section": ("encryptionsalt: x\n", "has no `config:` section"),
    "an expression with an unknown escape":
        (None, 'ctsync:sync[0].attributeMappings[0].expression: the string \'"\\\\q"\' has an escape Graph does not know'),
}


@pytest.mark.parametrize("text, fragment", FILES.values(), ids=FILES.keys())
def test_a_malformed_stack_file_is_one_line_and_exit_2(root, world, capsys, text, fragment):
    if text is None:
        config = yaml.safe_load(stack_file(root).read_text())
        config["config"]["ctsync:sync"] = [{"from": "contoso", "to": "fabrikam", "scope": {"allUsers": True},
                                            "attributeMappings": [{"target": "companyName", "expression": '"\\q"'}]}]
        text = yaml.safe_dump(config)
    stack_file(root).write_text(text)
    assert fragment in one_line_refusal(capsys, "status", "--stack", STACK)


def test_an_alias_bomb_is_refused_at_once_by_the_real_command(root):
    lines = ["config:", "  a0: &a [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"  a{i}: &{chr(97 + i)} [{', '.join([f'*{chr(96 + i)}'] * 10)}]" for i in range(1, 9)]
    stack_file(root).write_text("\n".join([*lines, "  ctsync:tenants: *i", ""]))
    run = subprocess.run([sys.executable, "-m", "ctsync", "status", "--stack", STACK], cwd=root, capture_output=True,
                         text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == cli.BAD_INPUT and "aliases expand" in run.stderr and "Traceback" not in run.stderr


def test_a_plain_client_secret_beside_an_encrypted_one_is_refused_by_every_command(root, capsys, monkeypatch):
    config = yaml.safe_load(stack_file(root).read_text())
    tenants = config["config"]["ctsync:tenants"]
    tenants["contoso"]["auth"] = {"method": "clientSecret", "clientId": CONTOSO, "clientSecret": {"secure": "v1:abc"}}
    tenants["fabrikam"]["auth"] = {"method": "clientSecret", "clientId": FABRIKAM, "clientSecret": SECRET}
    stack_file(root).write_text(yaml.safe_dump(config))
    # What `pulumi config --show-secrets` would give: the encrypted one decrypted, the plain one as it is.
    decrypted = yaml.safe_load(stack_file(root).read_text())["config"]
    decrypted["ctsync:tenants"]["contoso"]["auth"]["clientSecret"] = "decrypted"
    monkeypatch.setattr(stackfile, "_decrypted", lambda root, stack: decrypted)
    for command in (["status"], ["export", "--dry-run"]):
        line = one_line_refusal(capsys, *command, "--stack", STACK)
        assert "ctsync:tenants.fabrikam.auth.clientSecret: is in plain text" in line
        assert "pulumi config set --secret --path 'ctsync:tenants.fabrikam.auth.clientSecret' <value>" in line
        assert SECRET not in line


# ---- export's write -----------------------------------------------------------------------------

def exported(root, world) -> int:
    portal_pair(world)
    return cli.run_export(STACK, False, False, root)


def test_export_refuses_to_overwrite_edits_made_while_it_read_graph(root, world, capsys, monkeypatch):
    read = cli._read

    async def edited_meanwhile(config):
        result = await read(config)
        stack_file(root).write_text(stack_file(root).read_text() + "# edited by someone else\n")
        return result

    monkeypatch.setattr(cli, "_read", edited_meanwhile)
    assert exported(root, world) == cli.BAD_INPUT
    assert "changed while export read Graph; nothing was written" in capsys.readouterr().err
    assert stack_file(root).read_text().endswith("# edited by someone else\n")
    assert "ctsync:sync" not in stack_file(root).read_text()


def test_export_writes_through_a_symlink_and_keeps_the_mode(root, world):
    real = root / "shared" / "Pulumi.brown.yaml"
    real.parent.mkdir()
    stack_file(root).rename(real)
    stack_file(root).symlink_to(real)
    real.chmod(0o600)
    assert exported(root, world) == cli.OK
    assert stack_file(root).is_symlink(), "the link stays a link"
    assert "ctsync:sync" in real.read_text()
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert [p.name for p in (root / "stacks").iterdir()] == [stack_file(root).name], "no temporary file left"
    assert [p.name for p in real.parent.iterdir()] == [real.name]


def test_concurrent_writes_use_temporary_files_of_their_own(root, world):
    loaded = [stackfile.load(root, STACK) for _ in range(2)]

    async def both():
        await asyncio.gather(*(asyncio.to_thread(stackfile.write, each, each.text + f"# {index}\n")
                               for index, each in enumerate(loaded)))

    # The second may find the file changed by the first: refused, as it should be.
    with contextlib.suppress(stackfile.StackFileError):
        asyncio.run(both())
    text = stack_file(root).read_text()
    assert text in (loaded[0].text + "# 0\n", loaded[1].text + "# 1\n"), "one whole write, never a mix"
    assert [p.name for p in (root / "stacks").iterdir()] == [stack_file(root).name]
