"""The test command, interrupted while the engine tier runs a Pulumi program, stops every process it
started (the Pulumi CLI's language host, in a process group of its own, included) and says so."""
from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from tests.engine.project import CLI, REPO

# A test that starts an emulator, the Pulumi CLI, its language host and the plugin (on ephemeral ports:
# the main job's test holds the local stack's fixed one).
A_LONG_TEST = "test_an_existing_setup_is_exported_taken_over_with_no_write_and_survives_destroy"
LANGUAGE_HOST = b"pulumi-language-python"


def processes_marked(mark: str) -> list[int]:
    """The processes whose environment carries ``mark`` (every descendant of the run inherits it)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and mark.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue  # gone, or not ours to read
    return found


def command_line(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


@pytest.mark.skipif(CLI is None, reason="no Pulumi CLI: scripts/install-pulumi.sh builds it")
def test_an_interrupted_run_leaves_no_process_behind():
    mark = f"CTSYNC_INTERRUPT_MARK={uuid.uuid4()}"
    env = {**os.environ, "CTSYNC_TEST_TIERS": "engine", "CTSYNC_TEST_WORKERS": "1", mark.split("=")[0]: mark.split("=")[1]}
    run = subprocess.Popen(["bash", "scripts/test.sh", "-q", "-p", "no:cacheprovider", "-k", A_LONG_TEST], cwd=REPO, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 240
        while not any(LANGUAGE_HOST in command_line(pid) for pid in processes_marked(mark)):
            assert time.monotonic() < deadline, "the engine tier never started a Pulumi program"
            time.sleep(0.5)
        run.send_signal(signal.SIGTERM)
        out, _ = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 130, out
    assert "test.sh: interrupted: the running tier and its processes are stopped" in out
    time.sleep(1)
    assert processes_marked(mark) == [], "processes of the interrupted run are still running"
