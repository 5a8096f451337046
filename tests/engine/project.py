"""A throw-away copy of the project driven by the real Pulumi CLI against an emulator: what the engine
tests and bench/pair_requests.py stand on.

The copy links the program's packages and the venv, and gets its own stack file (the local stack
pointed at this emulator's port), its own `file://` backend and its own PULUMI_HOME, so a run never
touches the repository's stacks, state or the developer's Pulumi login.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
LINKED = ("__main__.py", "bin", "components", "ctsync", "graphtypes", "providers", "stackconfig", ".venv")
STACK = "engine"
PASSPHRASE = "ctsync-engine-tests"


def pulumi_cli() -> str | None:
    """The CLI scripts/install-pulumi.sh built, else one on PATH."""
    built = REPO / ".tools" / "pulumi" / "bin" / "pulumi"
    return str(built) if built.exists() else shutil.which("pulumi")


CLI = pulumi_cli()
# `pytestmark = needs_cli` in every module of this tier.
needs_cli = pytest.mark.skipif(
    CLI is None,
    reason="no Pulumi CLI: scripts/install-pulumi.sh builds it from Go modules (scripts/test.sh runs it first)",
)
# The tenants of the local stack (emulator/fixtures/local.yaml).
CONTOSO = "11111111-1111-4111-8111-111111111111"
FABRIKAM = "22222222-2222-4222-8222-222222222222"
NORTHWIND = "33333333-3333-4333-8333-333333333333"
# What the local stack makes in each tenant, as the emulator's /_emulator/state counts it (partner
# entries, identity-sync policies, sync jobs); one configuration app per direction, three in all.
LOCAL_OBJECTS = {
    CONTOSO: {"partners": 1, "identitySynchronization": 0, "jobs": 1},
    FABRIKAM: {"partners": 2, "identitySynchronization": 2, "jobs": 1},
    NORTHWIND: {"partners": 1, "identitySynchronization": 1, "jobs": 1},
}


@dataclass
class Run:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def json(self):
        return json.loads(self.stdout)


@dataclass
class Project:
    root: Path
    emulator_url: str
    cli: str
    runs: list[Run] = field(default_factory=list)

    @classmethod
    def create(
        cls, root: Path, emulator_url: str, cli: str, stack: dict | None = None, program: str | None = None
    ) -> Project:
        """``stack``: a stack file's content; by default the local stack's. ``program``: the text of
        a ``__main__.py`` to run instead of the project's."""
        root.mkdir(parents=True)
        for name in LINKED:
            if name == "__main__.py" and program is not None:
                (root / name).write_text(program)
            else:
                (root / name).symlink_to(REPO / name)
        project = yaml.safe_load((REPO / "Pulumi.yaml").read_text())
        project.pop("backend", None)  # PULUMI_BACKEND_URL below
        (root / "Pulumi.yaml").write_text(yaml.safe_dump(project))
        stack = stack or yaml.safe_load((REPO / "stacks" / "Pulumi.local.yaml").read_text())
        stack.pop("encryptionsalt", None)
        for tenant in stack["config"]["ctsync:tenants"].values():
            tenant["graphEndpoint"] = emulator_url
        (root / "stacks").mkdir()
        (root / "stacks" / f"Pulumi.{STACK}.yaml").write_text(yaml.safe_dump(stack, sort_keys=False))
        (root / "state").mkdir()
        return cls(root, emulator_url, cli)

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "PATH": f"{Path(self.cli).parent}:{os.environ['PATH']}",
            # As Pulumi.yaml's embedded default: no `.attrs` sidecars, which a kill can leave empty.
            "PULUMI_BACKEND_URL": f"file://{self.root / 'state'}?metadata=skip",
            "PULUMI_HOME": str(self.root / "home"),
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        }

    def pulumi(self, *args: str, check: bool = True) -> Run:
        began = time.perf_counter()
        done = subprocess.run(
            [self.cli, *args, "--non-interactive"], cwd=self.root, env=self.env,
            capture_output=True, text=True, timeout=600,
        )
        run = Run(list(args), done.returncode, done.stdout, done.stderr, time.perf_counter() - began)
        self.runs.append(run)
        if check and done.returncode != 0:
            raise AssertionError(f"pulumi {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return run

    def kill_leftovers(self) -> int:
        """SIGKILL every process still working in this project (Linux /proc).

        Killing `pulumi` leaves its plugins running: the engine starts the language host and the
        ctsync provider plugin in process groups of their own, with the program directory as cwd.
        """
        killed = 0
        for proc in Path("/proc").iterdir():
            try:
                cwd = Path(os.readlink(proc / "cwd"))
            except (OSError, ValueError):
                continue
            if proc.name.isdigit() and (cwd == self.root or self.root in cwd.parents):
                os.kill(int(proc.name), signal.SIGKILL)
                killed += 1
        return killed

    def kill_at_writes(self, emulator, writes: int, *args: str) -> int | None:
        """Start ``pulumi <args>`` and SIGKILL its whole process group (plugins included) once the
        emulator has answered ``writes`` successful Graph writes since its request log was cleared.
        The writes seen when it was killed; None when the command finished first."""
        command = subprocess.Popen(
            [self.cli, *args, "--non-interactive"], cwd=self.root, env=self.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        deadline = time.monotonic() + 300
        seen = 0
        while time.monotonic() < deadline and command.poll() is None:
            seen = sum(1 for e in emulator.admin.requests()
                       if e["method"] != "GET" and e["path"].startswith(("/v1.0", "/beta")) and e["status"] < 300)
            if seen >= writes:
                break
            time.sleep(0.05)
        if command.poll() is not None:
            return None
        os.killpg(command.pid, signal.SIGKILL)
        command.wait()
        self.kill_leftovers()
        return seen

    def init(self) -> None:
        self.pulumi("stack", "init", STACK)

    def up(self, *extra: str) -> Run:
        return self.pulumi("up", "--yes", "--skip-preview", "-s", STACK, *extra)

    def config_set_path(self, path: str, value: str) -> None:
        self.pulumi("config", "set", "--path", path, value, "-s", STACK)

    def changed_steps(self, *args: str) -> list[dict]:
        """The steps of `pulumi preview --json` (or another --json command) that change something."""
        steps = self.pulumi(*args, "--json", "-s", STACK).json().get("steps", [])
        return [step for step in steps if step["op"] not in ("same", "refresh")]


def resource_type(step: dict) -> str:
    """`ctsync:crossTenantAccess:PartnerAccess` -> `PartnerAccess`."""
    return step["urn"].split("::")[-2].split(":")[-1]
