"""The directory quota of a target tenant (fixture `userQuota`): a create beyond it fails with the
documented AzureActiveDirectoryQuotaLimitExceeded, is escrowed and logged as a failure in both
tenants, the cycle ends EntryLevelErrors, and the next cycle tries the user again."""
from __future__ import annotations

import asyncio

import pytest

from emulator.fixture_loader import FixtureError, load_fixture
from emulator.state import EmulatorState
from tests.conftest import graph_client_for
from tests.emulator.flows import ADELE, ALEX, CONTOSO, FABRIKAM, assign, job_builder, raw, ready_pair, two_tenants


def test_creates_beyond_the_quota_are_escrowed_and_retried(emulator):
    fixture = two_tenants()
    fixture["tenants"][1]["userQuota"] = 1
    emulator.admin.load_fixture(fixture)

    async def deployed():
        source, target = graph_client_for(emulator, CONTOSO), graph_client_for(emulator, FABRIKAM)
        config = await ready_pair(source, target)
        for user in (ADELE, ALEX):
            await assign(source, config, user)
        return config

    config = asyncio.run(deployed())
    [summary] = emulator.admin.run_sync()
    assert (summary["created"], summary["escrowed"]) == (1, 1)

    job = asyncio.run(job_builder(graph_client_for(emulator, CONTOSO), config.sp_id, config.job_id).get())
    last = job.status.last_execution
    assert (last.state.value, last.count_escrowed) == ("EntryLevelErrors", 1)
    for tenant in (CONTOSO, FABRIKAM):
        _, _, log = raw(emulator, "GET", "/auditLogs/provisioning", emulator.admin.token(tenant))
        failed = [e for e in log["value"] if e["provisioningStatusInfo"]["status"] == "failure"]
        [error] = [e["provisioningStatusInfo"]["errorInformation"] for e in failed]
        # Every property of provisioningErrorInfo, in Graph's casing of the category enum.
        assert set(error) == {"additionalDetails", "errorCategory", "errorCode", "reason", "recommendedAction"}
        assert (error["errorCode"], error["errorCategory"]) == ("AzureActiveDirectoryQuotaLimitExceeded", "nonServiceFailure")
        assert "directory quota" in error["recommendedAction"]

    # A retry at the same quota fails again; it is not forgotten.
    [again] = emulator.admin.run_sync()
    assert (again["created"], again["escrowed"]) == (0, 1)


@pytest.mark.parametrize("quota", [-1, "ten", True])
def test_a_bad_quota_is_refused_naming_it(quota):
    fixture = {"tenants": [{"tenantId": CONTOSO, "displayName": "Contoso", "userQuota": quota}]}
    with pytest.raises(FixtureError, match=r"tenants\[0\].userQuota: must be a non-negative integer"):
        load_fixture(EmulatorState(), fixture)
