"""What the provider plugin loads before its first Graph call: a run that only checks and diffs
(every no-change `up` and most previews) never imports msgraph-sdk's client stack, which the engine
would otherwise wait for before it checks the first ctsync resource (providers/graph/models.py)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from providers.graph import models
from providers.resources.sync_job_schedule import ACTIVE

REPO = Path(__file__).resolve().parents[2]
# The client stack: msgraph-sdk (its models import its client), msgraph-core, kiota's HTTP layer.
CLIENT_STACK = ("msgraph", "msgraph_core", "kiota_http", "kiota_authentication_azure")

# A plugin as the engine drives it for one unchanged resource: Configure, Check, Diff, over gRPC.
CHECK_AND_DIFF = """
import json, sys
from tests.providers.drivers import GrpcDriver
tenants = {"f": {"tenantId": "22222222-2222-4222-8222-222222222222", "auth": {"method": "emulator"},
                 "graphEndpoint": "http://127.0.0.1:9"}}
driver = GrpcDriver("PartnerAccess", {"ctsync:tenants": json.dumps(tenants)})
inputs = {"tenant_id": "22222222-2222-4222-8222-222222222222", "partner_tenant_id": "11111111-1111-4111-8111-111111111111"}
checked, failures = driver.check({}, inputs)
outcome = driver.diff("22222222-2222-4222-8222-222222222222/partners/11111111-1111-4111-8111-111111111111",
                      {**checked, "in_multi_tenant_organization": False, "taken_over": False}, checked)
assert not failures and not outcome.changes, (failures, outcome)
driver.close()
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_check_and_diff_never_load_the_graph_client():
    # A process of its own: this test process has long imported msgraph-sdk.
    done = subprocess.run([sys.executable, "-c", CHECK_AND_DIFF], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.splitlines()[-1]))
    assert "providers" in loaded and "grpc" in loaded
    assert loaded.isdisjoint(CLIENT_STACK), sorted(loaded & set(CLIENT_STACK))


def _names_used() -> list[str]:
    sources = [path.read_text() for path in (REPO / "providers").rglob("*.py")]
    return sorted({name for source in sources for name in re.findall(r"\bmodels\.([A-Z]\w*)", source)})


@pytest.mark.parametrize("name", _names_used())
def test_every_class_the_provider_names_is_where_models_looks(name):
    value = getattr(models, name)
    assert isinstance(value, type) and value.__name__ == name.removeprefix("Job")
    assert value.__module__ == models.module_of(name)


def test_an_unknown_name_says_where_it_was_looked_for():
    with pytest.raises(AttributeError, match=r"no class NoSuchModel in msgraph\.generated\.models\.no_such_model"):
        _ = models.NoSuchModel


def test_the_started_schedule_state_is_msgraphs_active():
    assert models.SynchronizationScheduleState.Active.value == ACTIVE
