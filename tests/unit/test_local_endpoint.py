"""run-local's emulator port: read from the local stack, where it is written once."""
from __future__ import annotations

import runpy
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
endpoint = runpy.run_path(str(ROOT / "scripts" / "local_endpoint.py"))


def test_the_local_stack_names_one_emulator_port():
    assert endpoint["port_of"](ROOT / "stacks" / "Pulumi.local.yaml") == 18080


@pytest.mark.parametrize("endpoints, said", [
    (["http://127.0.0.1:18080", "http://127.0.0.1:18081"], "must be the one emulator's"),
    (["https://graph.microsoft.com"], "must be http://127.0.0.1:<port>"),
])
def test_endpoints_that_are_not_one_local_emulator_are_refused(tmp_path, endpoints, said):
    tenants = "".join(f"    t{index}: {{graphEndpoint: '{url}'}}\n" for index, url in enumerate(endpoints))
    (tmp_path / "Pulumi.local.yaml").write_text("config:\n  ctsync:tenants:\n" + tenants)
    with pytest.raises(SystemExit, match=said):
        endpoint["port_of"](tmp_path / "Pulumi.local.yaml")


def test_a_listening_port_is_not_free_and_a_closed_one_is():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert endpoint["is_free"](port) is False
    assert endpoint["is_free"](port) is True
